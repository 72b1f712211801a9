# Build: the Swift 6 toolchain image with libpq's headers.
FROM swift:6.2-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources Sources
COPY Tests Tests
RUN swift build -c release --product oversight --static-swift-stdlib \
    && cp .build/release/oversight /oversight

# Run: a slim Debian with the libpq runtime only.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app --shell /usr/sbin/nologin oversight
WORKDIR /app
COPY --from=build /oversight /usr/local/bin/oversight
COPY Schema Schema
COPY Config Config
COPY openapi.yaml openapi.yaml
USER oversight
ENV OVERSIGHT_HOST=0.0.0.0 OVERSIGHT_PORT=8080 OVERSIGHT_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["oversight"]
CMD ["serve"]
