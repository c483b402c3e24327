# Officina in a container: the README's own commands (npm ci, npm run build, npm start) on Node 24.
# One image serves the app (`npm start`, the default) and the standalone mail worker (`npm run worker`).
#   docker build -t officina .
#   docker run -p 3000:3000 -v officina-data:/data -e PUBLIC_URL=https://... officina
# Without DATABASE_URL it runs the embedded PostgreSQL under /data; compose.yaml pairs it with PostgreSQL 18.
ARG NODE_IMAGE=node:24-bookworm-slim
FROM ${NODE_IMAGE}

WORKDIR /app
RUN chown node:node /app
# Not root: the embedded PostgreSQL refuses to run as root, and the app needs no privilege.
USER node

# Dependencies first, from the lock file alone, so a change in the sources reuses this layer.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY --chown=node:node . .
RUN npm run build

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
USER root
# tini -g hands docker stop's SIGTERM to the whole process group (npm, the shell of its script, the
# server, the embedded PostgreSQL), as Ctrl+C does in a terminal; npm alone would pass it only to the
# script's shell, and the server would be killed without its graceful stop.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# /api/health answers 503 while the database is unreachable (README, HTTP API).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# SIGTERM (docker stop) reaches the server through npm; it drains, stops the mail worker and closes in
# at most 25 s, so give `docker stop` 30 (compose.yaml does).
ENTRYPOINT ["/usr/bin/tini", "-g", "--"]
CMD ["npm", "start"]
