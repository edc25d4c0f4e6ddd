# Worker image for the supervision-cycle Temporal workflows.
#
#   docker build -t supervision-cycle-worker .
#
# Two stages: the build stage needs devDependencies (typescript) to compile
# the TypeScript sources to dist/; the runtime stage only carries production deps.

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

########################################################################
# Stage 1: install all dependencies and compile TypeScript
########################################################################
FROM ${NODE_IMAGE} AS build
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY . .
RUN npm run build && test -f dist/worker/main.js

########################################################################
# Stage 2: runtime image (production dependencies only)
########################################################################
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# glibc's malloc arenas stay at its default (8 per core). MALLOC_ARENA_MAX=2 trades memory for CPU: about
# 0.9x the worker's peak RSS at a month-end dispatch for about 1.1x its CPU (docs/performance.md).
# jemalloc was measured once, by hand, at 2,000 cycles: 0.8x the peak RSS at the same dispatch time. Not the
# default until measured more; to try it, add to this stage:
#   RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 && rm -rf /var/lib/apt/lists/*
#   ENV LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

COPY --from=build /app/dist ./dist
COPY --from=build /app/plans ./plans
COPY --from=build /app/bin ./bin
# The workflow bundle's webpack loader (plain JavaScript, not compiled into dist/; worker/bundle.ts).
COPY --from=build /app/worker/bindBuiltins.cjs ./worker/bindBuiltins.cjs

# DATA_DIR lives on a named volume; create the mount point owned by "node"
# so a fresh volume inherits that ownership and the non-root user can write.
RUN mkdir -p /data && chown node:node /data
ENV DATA_DIR=/data
VOLUME ["/data"]

USER node
CMD ["node", "dist/worker/main.js"]
