# Verzek Auto Trader: one image for the API and the workers (the role is a flag).
#   docker build -t verzek .
#   docker compose up   (see docker-compose.yml)
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY apps/server/package.json apps/server/
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/contract/package.json packages/contract/
COPY packages/platform/package.json packages/platform/
COPY packages/exchange/package.json packages/exchange/
COPY packages/telegram/package.json packages/telegram/
COPY apps/mobile/package.json apps/mobile/
COPY test-support/package.json test-support/
RUN npm ci --no-audit --no-fund --workspaces --include-workspace-root --omit=dev || npm ci --no-audit --no-fund
COPY . .

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8000 DATA_DIR=/data
COPY --from=build /app /app
RUN useradd --system --home /data verzek && mkdir -p /data && chown verzek /data
USER verzek
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:8000/api/ping').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["node", "apps/server/bin/verzek.mjs"]
CMD ["serve", "--role", "all"]
