# syntax=docker/dockerfile:1
# Iris prediction service: build with the full toolchain, run on a slim Node 24 (the current LTS) image with
# production dependencies only, as the unprivileged `node` user.
#
# The build stages run on the builder's own platform (--platform=$BUILDPLATFORM): their output is plain
# JavaScript and the production dependencies have no native code (test/deploy/dockerfile.test.ts checks
# this), so a multi-arch image needs no emulation. The runtime stage has no RUN step for the same reason.

ARG NODE_IMAGE=node:24-slim

# --- all dependencies (dev included) for the build ---
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

# --- production dependencies only, for the runtime image ---
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# --- compile the server (tsc -> dist/) and the web UI (Vite -> dist/web) ---
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN npm run build && mkdir -p /app/logs

# --- runtime ---
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="iris-prediction-service" \
      org.opencontainers.image.description="Iris species prediction API (RandomForest), Fastify on Node 24" \
      org.opencontainers.image.licenses="MIT"

# The seed's defaults, mapped to our names (src/config.ts): GUNICORN_TIMEOUT -> REQUEST_TIMEOUT_S,
# LOG_LEVEL -> LOG_LEVEL (lower case). WORKERS is left unset on purpose: the server then starts one worker
# per CPU that Node 24 sees, and Node 24 reads the container's CPU quota (docker run --cpus, k8s limits).
# Set WORKERS explicitly to override (the seed hard-coded 4 gunicorn workers x 2 threads).
# MALLOC_ARENA_MAX=2: glibc keeps freed memory per arena; two save ~4-5 MB RSS per process under load
# (docs/decisions/015-hot-path-and-memory.md).
ENV NODE_ENV=production \
    PORT=8000 \
    HOST=0.0.0.0 \
    REQUEST_TIMEOUT_S=30 \
    LOG_LEVEL=info \
    MODELS_DIR=models \
    MODEL_NAME=iris_model \
    MALLOC_ARENA_MAX=2

WORKDIR /app
# Everything the app needs is owned by root and only readable by `node`: the process cannot rewrite itself,
# and the image runs unchanged with a read-only root filesystem (compose read_only, k8s readOnlyRootFilesystem).
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The model registry with the committed model as version 1 of iris_model (stable): the image serves out of the
# box; mount another registry folder (a shared volume) at /app/models to replace it.
COPY models ./models
# The one writable folder (the compose `logs` volume); owned by `node` so a named volume inherits that owner.
COPY --from=build --chown=node:node /app/logs ./logs

USER node
EXPOSE 8000

# No curl in a slim image: Node's own fetch asks /health. PORT comes from the container's environment.
HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --start-interval=2s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# Exactly what `npm start` runs in production (scripts/start.mjs, once dist/ is built). node is PID 1: the
# server handles SIGTERM itself (graceful close) and the cluster primary reaps its own workers.
CMD ["node", "dist/server.js"]
