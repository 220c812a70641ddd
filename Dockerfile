# Build stage: compile TypeScript, then keep production dependencies only.
FROM node:24-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
# npm install rather than npm ci: the lockfile is written without registry URLs, which leaves out
# other platforms' optional packages, and npm ci refuses such a lockfile. The versions are locked.
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY spec ./spec
COPY src ./src
RUN npm run build && rm -rf dist/demo && npm prune --omit=dev --no-audit --no-fund \
 # lzma-native ships binaries for every platform and its C sources; keep Linux's binaries only.
 && find node_modules/lzma-native/prebuilds -mindepth 1 -maxdepth 1 ! -name 'linux-*' -exec rm -rf {} + \
 && rm -rf node_modules/lzma-native/deps

# Runtime stage: production dependencies and compiled code only, run as the unprivileged node user.
FROM node:24-bookworm-slim
ARG VERSION=0.1.0
LABEL io.airbyte.name="destination-s3" \
      io.airbyte.version="${VERSION}" \
      org.opencontainers.image.title="destination-s3" \
      org.opencontainers.image.description="Airbyte-protocol destination writing JSONL, CSV, Avro and Parquet files to S3 and S3-compatible stores"
ENV NODE_ENV=production \
    AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/main.js"
WORKDIR /airbyte/integration_code
COPY --from=build /build/package.json ./package.json
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/spec ./spec
COPY --from=build /build/dist ./dist
USER node
ENTRYPOINT ["node", "/airbyte/integration_code/dist/main.js"]
