# syntax=docker/dockerfile:1
# Targets: `runtime` (the default, last stage) runs the bot; `emulator` runs the fake NemoVideo API for dev.

# --- build: every dependency, then compile src/ and adapters/ to dist/ (tsc type-checks what it compiles, so a
# broken image never ships; the whole tree, tests included, is type-checked by `npm test`).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# --- emulator: the fake NemoVideo API (test/fakes/nemo), run by tsx from the build stage's dev dependencies; it
# renders with ffmpeg, which the bot never needs.
FROM build AS emulator
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini \
 && rm -rf /var/lib/apt/lists/*
# Listen on every interface: the bot reaches it from another container as http://emulator:4010.
ENV EMULATOR_HOST=0.0.0.0 EMULATOR_PORT=4010
USER node
EXPOSE 4010
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "test/fakes/nemo/main.ts"]

# --- runtime: production dependencies and the compiled bot; no TypeScript, no loader.
FROM node:20-bookworm-slim AS runtime
# NEMO_ENGINE=local renders with ffmpeg inside the bot: build with --build-arg LOCAL_ENGINE=1 to include it and
# the title fonts (Latin and Chinese). Without it the image stays small and the cloud engine is the only one.
ARG LOCAL_ENGINE=0
# tini as PID 1 forwards SIGTERM to node and reaps zombies, so shutdown drains jobs instead of being killed.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && if [ "$LOCAL_ENGINE" = 1 ]; then \
      apt-get install -y --no-install-recommends ffmpeg fonts-dejavu-core fonts-wqy-microhei; \
    fi \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/nemo-local-engine && chown node:node /var/lib/nemo-local-engine
WORKDIR /app
# The code is read-only for the node user: the local engine keeps its files in a folder of its own.
ENV NODE_ENV=production HTTP_PORT=8080 LOCAL_ENGINE_DIR=/var/lib/nemo-local-engine
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# The code stays owned by root: the node user can run it but not change it.
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
# Heap: the old space capped above the heaviest bench case (1,000 open edit streams peaked at 445 MB RSS under tsx),
# so a leak ends in a restart instead of swapping the host; the young generation pinned at 16 MB per semi-space.
CMD ["node", "--max-old-space-size=512", "--max-semi-space-size=16", "dist/adapters/main.js"]
