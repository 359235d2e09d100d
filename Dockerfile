# The emulator on Node.js 24, which runs the TypeScript sources directly (type stripping, Node >= 22.18).
#   docker build -t thaid-emulator .   (or: docker compose up, see docker-compose.yml)
FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# Production dependencies only: the `node` package (the pinned Node.js for npm scripts), TypeScript and the test
# tools are development dependencies; the image runs its own Node. argon2 loads its prebuilt linux binary.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY src ./src
COPY migrations ./migrations
COPY views ./views
# DATA_DIR holds the admin token file (and the embedded database when DATABASE_URL is unset).
RUN mkdir /data && chown node:node /data
USER node
ENV HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
VOLUME /data
EXPOSE 3000
CMD ["node", "src/cli/main.ts", "start"]
