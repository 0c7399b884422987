// `node --import tsx src/test-support/s3-serve.ts DIR PORT`: an S3-protocol server (s3rver) on
// loopback with the bucket "images", until killed. Used to run the browser suite against S3.
import { startS3Server } from './s3-server.ts';

const [dir = '/tmp/cir-s3', port = '9100'] = process.argv.slice(2);
const s3 = await startS3Server(dir, 'images', Number(port));
console.log(`s3rver listening on ${s3.options.endpoint}`);
