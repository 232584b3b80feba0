# syntax=docker/dockerfile:1
# fahras: Arabic full-text search service.
#
#   docker build -t fahras .
#   docker run -p 3000:3000 fahras            # search page on http://localhost:3000/
#   docker run -p 3000:3000 -v fahras-index:/app/index-data fahras
#
# The image ships with the seed index already built, so the container answers
# as soon as it starts. Rebuild the index from your own corpus with
#   docker run -v "$PWD/corpus:/corpus:ro" -v fahras-index:/app/index-data fahras \
#     node dist/cli/main.js index --input /corpus --out /app/index-data

############################ build: compile TypeScript ############################
FROM node:20-bookworm-slim AS build
WORKDIR /src
ENV NODE_ENV=development \
    npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false

# Dependencies first, so this layer is reused while only the sources change.
# No install scripts: compiling needs none, and a benchmark's native baseline
# (better-sqlite3, a development dependency) would need a C++ toolchain.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

############################ runtime: production only ############################
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false \
    HOST=0.0.0.0 \
    PORT=3000 \
    FAHRAS_INDEX=/app/index-data

# Unprivileged account the service runs as (a fixed id outside the range used by
# the base image's own `node` user).
RUN groupadd --gid 10001 fahras \
 && useradd --no-log-init --uid 10001 --gid fahras --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin fahras

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts \
 && npm cache clean --force \
 && rm -rf /root/.npm /tmp/*

COPY --from=build /src/dist ./dist
COPY src/server/public ./src/server/public
COPY seeds ./seeds

# Build the seed index at image build time; the service user owns only the index.
RUN node dist/cli/main.js index --input seeds --out index-data \
 && chown -R fahras:fahras index-data

USER fahras
VOLUME ["/app/index-data"]
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# HOST and PORT come from the environment above (flags would override them), so
# `docker run -e PORT=8080 -p 8080:8080 fahras` moves both the server and the
# health check. Equivalent to `serve --host 0.0.0.0 --port 3000` by default.
CMD ["node", "dist/cli/main.js", "serve"]
