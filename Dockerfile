# syntax=docker/dockerfile:1
# One image, two long-running roles chosen by ISCG_ROLE: `worker` (Temporal worker: workflows and
# activities) and `api` (the HTTP API); `iscg` runs the operator CLI. See docs/production.md.

# ── build: all dependencies, TypeScript compiled, workflow code bundled ahead of time ──
FROM node:22.23.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency needs an install script (Temporal's native module ships prebuilt).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY client ./client
COPY config ./config
COPY security ./security
COPY scripts ./scripts
COPY database ./database
RUN npm run build

# ── runtime: production dependencies only, non-root, read-only friendly (writes go to /data) ──
FROM node:22.23.2-bookworm-slim AS runtime
LABEL org.opencontainers.image.title="iscg-conventions" \
      org.opencontainers.image.description="ISCG partnership conventions as durable Temporal workflows: worker and HTTP API" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production \
    ISCG_ENV=production \
    ISCG_ROLE=api \
    LOG_FORMAT=json \
    HOST=0.0.0.0 \
    PORT=3000 \
    ISCG_DATA_DIR=/data \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js \
    ISCG_WORKER_METRICS_ADDRESS=0.0.0.0:9464 \
    ISCG_API_METRICS_ADDRESS=0.0.0.0:9465
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && npm cache clean --force \
    && mkdir -p /data \
    && chown node:node /data \
    && chmod 0700 /data
COPY --from=build /app/dist ./dist
# The mail and document renderers read their templates from the source folders beside dist/; the
# set-up job and the worker read the databases' migrations from theirs.
COPY activities/mail/templates ./activities/mail/templates
COPY activities/documents/templates ./activities/documents/templates
COPY database ./database
COPY --chmod=0755 deploy/docker-entrypoint.sh ./deploy/
# The base image's `node` user, by id so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
# API, worker metrics, API metrics.
EXPOSE 3000 9464 9465
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "/app/dist/config/healthcheck.js"]
ENTRYPOINT ["/app/deploy/docker-entrypoint.sh"]
