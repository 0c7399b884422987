import { z } from '@hono/zod-openapi';
import { SORTS } from '../images/list.sql.ts';

// Every shape the API reads or writes, once: the routes validate with these and the OpenAPI
// document is generated from them, so the two cannot drift apart.

const visibility = z.enum(['public', 'private', 'unlisted']).openapi({ description: 'Who can see it: everyone (in the gallery), only you, or whoever has its link.' });

export const ImageSchema = z.object({
  id: z.string().openapi({ example: 'Yk3mH8rT2aQ' }),
  filename: z.string(),
  title: z.string(),
  caption: z.string(),
  alt_text: z.string(),
  visibility,
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int().openapi({ description: 'Size of the original file.' }),
  created_at: z.string().openapi({ format: 'date-time' }),
  hidden: z.boolean().openapi({ description: 'Hidden by a moderator: only you see it.' }),
  url: z.string().openapi({ description: 'The image page.', format: 'uri' }),
  image_url: z.string().openapi({ description: 'A direct link to the image, for embedding (with the share token when unlisted).', format: 'uri' }),
  thumb_url: z.string().openapi({ format: 'uri' }),
  share_url: z.string().nullable().openapi({ description: 'The page link to share, while the image is unlisted.', format: 'uri' }),
}).openapi('Image');

export const PublicImageSchema = ImageSchema.omit({ hidden: true, share_url: true }).extend({ username: z.string() }).openapi('PublicImage');

export const UploadResultSchema = z.object({
  filename: z.string(),
  status: z.enum(['stored', 'duplicate', 'rejected']).openapi({ description: '`duplicate`: you already had these bytes; `id` names that image.' }),
  id: z.string().optional(),
  url: z.string().optional(),
  image_url: z.string().optional(),
  thumb_url: z.string().optional(),
  share_url: z.string().nullable().optional(),
  error: z.string().optional().openapi({ description: 'Why the file was rejected.' }),
}).openapi('UploadResult');

export const UploadResponseSchema = z.object({
  results: z.array(UploadResultSchema),
  album: z.object({
    id: z.string(),
    added: z.number().int(),
    waiting: z.number().int().openapi({ description: 'Private images not added because the album is shared; send `confirm=1` to add them.' }),
  }).optional(),
}).openapi('UploadResponse');

export const UploadFormSchema = z.object({
  images: z.array(z.string().openapi({ type: 'string', format: 'binary' }))
    .openapi({ description: 'One or more image files: repeat the field, one part per file, each with its filename.' }),
  visibility: visibility.default('private'),
  album: z.string().max(64, 'Not an album id').optional().openapi({ description: 'The id of one of your albums to add the images to.' }),
  title: z.string().trim().max(200, 'A title is at most 200 characters').optional().openapi({ description: 'A title for every image stored.' }),
  confirm: z.literal('1', 'confirm is 1 or absent').optional()
    .openapi({ description: 'Add private images to a shared album anyway (they become visible to its audience).' }),
}).openapi('UploadForm');

/** The upload's fields besides the files and the visibility, as the pipeline checks them. */
export type UploadFields = Pick<z.infer<typeof UploadFormSchema>, 'album' | 'title' | 'confirm'>;

export const ImageListSchema = z.object({
  images: z.array(ImageSchema),
  next_cursor: z.string().nullable(),
}).openapi('ImageList');

export const GallerySchema = z.object({
  images: z.array(PublicImageSchema),
  next_cursor: z.string().nullable(),
}).openapi('Gallery');

export const ListQuerySchema = z.object({
  cursor: z.string().max(200).optional().openapi({ description: 'The `next_cursor` of the page before.' }),
  limit: z.coerce.number().int().min(1).max(100).default(48),
  q: z.string().trim().max(100).optional().openapi({ description: 'Words the title, filename, caption or alt text begin with.' }),
  sort: z.enum(SORTS).default('newest'),
});

export const ImagePatchSchema = z.object({
  title: z.string().trim().max(200, 'A title is at most 200 characters').optional(),
  caption: z.string().trim().max(2000, 'A caption is at most 2,000 characters').optional(),
  alt_text: z.string().trim().max(500, 'Alt text is at most 500 characters').optional(),
  visibility: visibility.optional(),
}).strict().openapi('ImagePatch');

export const IdParam = z.object({ id: z.string().regex(/^[\w-]{1,64}$/).openapi({ param: { name: 'id', in: 'path' } }) });

export const MeSchema = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string(),
  role: z.enum(['user', 'admin']),
  scope: z.enum(['read', 'write']).openapi({ description: "This token's scope." }),
  quota_bytes: z.number().int(),
  used_bytes: z.number().int(),
}).openapi('Me');

export const AlbumSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  visibility,
  image_count: z.number().int(),
  created_at: z.string().openapi({ format: 'date-time' }),
  url: z.string().openapi({ format: 'uri' }),
  share_url: z.string().nullable().openapi({ format: 'uri' }),
}).openapi('Album');

export const AlbumListSchema = z.object({ albums: z.array(AlbumSchema), next_cursor: z.string().nullable() }).openapi('AlbumList');

export const NewAlbumSchema = z.object({
  title: z.string().trim().min(1, 'Give the album a title').max(200, 'A title is at most 200 characters'),
  description: z.string().trim().max(2000, 'A description is at most 2,000 characters').default(''),
  visibility: visibility.default('private'),
}).strict().openapi('NewAlbum');

export const AlbumImagesSchema = z.object({
  ids: z.array(z.string().regex(/^[\w-]{1,64}$/)).min(1).max(500),
  confirm: z.boolean().default(false).openapi({ description: 'Add private images to a shared album anyway.' }),
}).strict().openapi('AlbumImages');

export const AddedSchema = z.object({
  added: z.array(z.string()).openapi({ description: 'The ids added now (those already in the album are not).' }),
}).openapi('Added');

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.record(z.string(), z.string()).optional().openapi({ description: 'A message per field (422).' }),
  results: z.array(UploadResultSchema).optional().openapi({ description: 'An upload that stored nothing (422, 503): what became of each file.' }),
}).openapi('Problem');
