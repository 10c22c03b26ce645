# A release image of Kefu: one binary with the web console embedded, and libpq for PostgreSQL.
FROM node:20-bookworm AS web
WORKDIR /src
COPY web/package.json web/package-lock.json web/
RUN cd web && npm ci --no-audit --no-fund
COPY web web
COPY tests/api/snapshots tests/api/snapshots
RUN cd web && npm run build

FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
COPY --from=web /src/web/dist web/dist
RUN cargo build --release --locked -p kefu

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/kefu --create-home kefu
COPY --from=build /src/target/release/kefu /usr/local/bin/kefu
USER kefu
WORKDIR /var/lib/kefu
ENV KEFU_API_BIND=0.0.0.0:8080
EXPOSE 8080
CMD ["kefu", "serve"]
