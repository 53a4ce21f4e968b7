# evidence-audit in a container, for the Kubernetes example (examples/kubernetes/) and for
# cron servers that prefer a container to a checkout:
#
#   Node 20 on Debian 12 (bookworm) slim;
#   Debian's Chromium, for pages a script fills (it is never downloaded: see docs/checks.md, "Rendering script-filled pages");
#   Noto CJK fonts, so rendered Chinese pages and their archived screenshots show their characters;
#   tini as PID 1, so Ctrl-C / SIGTERM reach audit (which then writes its partial reports) and
#   Chromium's child processes are reaped;
#   a non-root user, uid/gid 10001, working in /work.
#
# Build and try it:
#
#   docker build -t evidence-audit .
#   docker run --rm evidence-audit demo                       # the bundled sample site, offline
#   docker run --rm -v "$PWD:/work" evidence-audit criteria.yaml --output report.html
#
# The entrypoint is `audit`, so the arguments are audit's. Reports are written relative to
# /work: mount a folder there that uid 10001 can write (or run with --user "$(id -u)").

# ---- build: compile the TypeScript, then keep only the runtime dependencies --------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY bin ./bin
# npm ci runs the prepare script (tsc) into dist/; the compiler is then pruned away.
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund

# ---- run ----------------------------------------------------------------------------------------
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-noto-cjk tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    CHROMIUM_PATH=/usr/bin/chromium \
    LANG=C.UTF-8

WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json criteria.yaml ./
COPY bin ./bin
COPY schema ./schema

RUN groupadd --system --gid 10001 audit \
 && useradd --system --uid 10001 --gid audit --home-dir /home/audit --create-home --shell /usr/sbin/nologin audit \
 && mkdir -p /work \
 && chown audit:audit /work

# Numeric, so Kubernetes's runAsNonRoot can verify it.
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/audit.js"]
CMD ["--help"]
