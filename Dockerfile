# Logidata container image: one image runs `logidata server`, `logidata worker` and the CLI
# (`logidata trigger`, `logidata keys`, …). See docs/deployment.md.
#
# Targets:
#   runtime (default, last stage)  builds the engine and the web UI from source, then the slim image:
#       docker build -t logidata .                     (or scripts/build-image)
#   prebuilt                       the same runtime image from a binary and web UI built elsewhere,
#       so CI does not compile twice; its build context holds `logidata`, `web/` and `libs/`
#       (libthrift), which scripts/build-image --prebuilt assembles:
#       scripts/build-image --prebuilt build/logidata web/dist
#
# Building one target skips the stages it does not need (BuildKit, Docker's default builder since
# 23.0, and podman/buildah do); COPY --chmod needs BuildKit too.
#
# Build arguments swap the base images, e.g. for a locally made Debian base (the container test
# imports one made by debootstrap, because it cannot pull from a registry):
#   BASE_IMAGE   runtime base           (debian:bookworm-slim)
#   BUILD_IMAGE  C++ build stage base   (debian:bookworm)
#   NODE_IMAGE   web UI build stage     (node:20-bookworm-slim; Vite needs Node >= 20.19, Debian 12 has 18)

ARG BASE_IMAGE=debian:bookworm-slim
ARG BUILD_IMAGE=debian:bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- C++ engine: the build packages of scripts/setup, minus test servers and tools -------------
FROM ${BUILD_IMAGE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libboost-dev libboost-system-dev libpq-dev libsqlite3-dev libmariadb-dev libsimdjson-dev \
      nlohmann-json3-dev libthrift-dev thrift-compiler libzstd-dev libsnappy-dev liblz4-dev zlib1g-dev \
      libfast-float-dev libfmt-dev libspdlog-dev libcli11-dev libsodium-dev libssl-dev \
      libcurl4-openssl-dev libre2-dev libxlsxwriter-dev libminizip-dev libpugixml-dev libexpat1-dev librabbitmq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY src/ ./src/
# No -march=native: the image must run on any x86-64 machine, not only on the one that built it.
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DLOGIDATA_NATIVE=OFF -DLOGIDATA_TESTS=OFF -DLOGIDATA_BENCH=OFF \
 && ninja -C /build logidata \
 && strip /build/logidata \
 && mkdir /build/libs \
 && cp $(ldd /build/logidata | awk '/libthrift/ {print $3}') /build/libs/

# ---- web UI ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/ ./
RUN npm run build --silent

# ---- runtime base: shared libraries, user, defaults (no Logidata files yet) ---------------------
FROM ${BASE_IMAGE} AS runtime-base
# Only the shared libraries `logidata` links against (checked with ldd by the container test),
# CA certificates for HTTPS sources and S3, and curl for the HEALTHCHECK. Not Debian's
# libthrift-0.17.0 package: it drags in Qt 5, ICU and GLib (~60 MB) for a Qt transport Logidata
# does not use, so the final stages copy the one libthrift-0.17.0.so the binary needs.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpq5 libsqlite3-0 libmariadb3 libsimdjson14 libzstd1 libsnappy1v5 liblz4-1 \
      zlib1g libfmt9 libspdlog1.10 libsodium23 libssl3 libcurl4 libre2-9 libxlsxwriter4 libminizip1 \
      libpugixml1v5 libexpat1 librabbitmq4 ca-certificates curl \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log
# A fixed uid/gid so volumes and secret files can be given to it (chown 10001) from outside.
RUN groupadd --gid 10001 logidata \
 && useradd --uid 10001 --gid 10001 --home-dir /var/lib/logidata --no-create-home \
      --shell /usr/sbin/nologin logidata \
 && mkdir -p /var/lib/logidata \
 && chown logidata:logidata /var/lib/logidata
# The server serves the UI from --web-root; the data folder (SQLite store when no --database-url,
# organizations' files, and master.key when no other key source is given) is a volume.
ENV LOGIDATA_HEALTH_URL=http://127.0.0.1:8080/health
WORKDIR /var/lib/logidata
VOLUME ["/var/lib/logidata"]
EXPOSE 8080
# Workers have no API port: run them with --metrics-listen and point LOGIDATA_HEALTH_URL there
# (deploy/compose.yaml does), or override the healthcheck.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD curl -fsS --max-time 4 "$LOGIDATA_HEALTH_URL" >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/logidata"]
CMD ["server", "--host", "0.0.0.0", "--port", "8080", "--data-dir", "/var/lib/logidata", \
     "--web-root", "/usr/share/logidata/web"]

# ---- runtime from a binary and web UI built elsewhere (CI, the container test) ------------------
FROM runtime-base AS prebuilt
COPY libs/ /usr/local/lib/
RUN ldconfig
COPY --chmod=0755 logidata /usr/local/bin/logidata
COPY web/ /usr/share/logidata/web/
USER 10001:10001

# ---- runtime built from source (default target) -------------------------------------------------
FROM runtime-base AS runtime
COPY --from=build /build/libs/ /usr/local/lib/
RUN ldconfig
COPY --from=build /build/logidata /usr/local/bin/logidata
COPY --from=web /web/dist/ /usr/share/logidata/web/
USER 10001:10001
