# One image recipe for both apps: `docker build --build-arg APP=api|worker .`
# (No `# syntax=` line: with it BuildKit fetches its frontend image from Docker Hub before building,
# which fails wherever no registry is reachable; the classic builder and BuildKit both build this.)
# Stages: `build` compiles TypeScript with all dependencies; `prod-deps` prunes them to the
# production ones; the final stage holds those, `dist/` and the sample data, and runs as a
# non-root user. No secrets are baked in: everything comes from the environment at run time.

ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.base.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

# The build stage's dependencies less the dev ones: `npm prune` instead of a second `npm ci`, so
# nothing is downloaded twice. --omit=dev keeps the packages the lock marks devOptional: dev
# dependencies that are also optional peers of production ones (typescript for valibot, ts-node for
# typeorm). Nothing at run time loads them, so they are removed by the lock's own list.
FROM build AS prod-deps
RUN npm prune --omit=dev --no-audit --no-fund \
 && node -e "const {rmSync}=require('node:fs');for(const [path,entry] of Object.entries(require('./package-lock.json').packages))if(entry.devOptional)rmSync(path,{recursive:true,force:true})"

FROM ${NODE_IMAGE}
ARG APP=api
# Its own description (a base image's labels are inherited otherwise).
LABEL org.opencontainers.image.title="store-uptime-${APP}" \
      org.opencontainers.image.description="store-uptime ${APP}: uptime reports of restaurant stores (NestJS, BullMQ, Arquero)"
ENV NODE_ENV=production \
    APP=${APP}
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The compose sample loader (gen-data + ingest) reads the committed hours and time zones.
COPY data/sample ./data/sample
# Exec-form CMD cannot expand ARG/ENV, so the chosen app's entry point is linked to a fixed path:
# `node` itself is PID 1 and receives SIGTERM (the apps drain on it via enableShutdownHooks).
# Node resolves the link to its target, so the app's relative imports work unchanged.
RUN test -f "dist/apps/${APP}/src/main.js" || { echo "APP must be api or worker, not '${APP}'" >&2; exit 1; } \
 && ln -s "apps/${APP}/src/main.js" dist/main.js
# The node image's unprivileged user, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000 3001
STOPSIGNAL SIGTERM
# node, not curl (absent from slim images). Readiness (PostgreSQL, Redis, S3 reachable), so that
# `docker ps` says healthy only when the app can do its work; the port follows the app.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const p=process.env.APP==='worker'?(process.env.WORKER_PORT||3001):(process.env.PORT||3000);fetch('http://127.0.0.1:'+p+'/health/ready',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
