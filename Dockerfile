# syntax=docker/dockerfile:1
# Build: install every dependency, type-check, then drop the dev ones (.ci/build, also run by CI).
FROM node:26-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY .ci/build .ci/build
# Fixes to dependencies, applied by `npm ci` (postinstall: patch-package).
COPY patches ./patches
COPY src ./src
RUN sh .ci/build

# Run: production dependencies only, as the unprivileged `node` user.
FROM node:26-slim
# glibc gives every thread its own malloc arena; with libvips threads that multiplies peak memory.
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY sql ./sql
COPY static ./static
RUN mkdir -p /data && chown node:node /data
USER node
# Embedded-mode data (PostgreSQL and images on disk); unused with DATABASE_URL and S3_BUCKET.
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/main.ts"]
