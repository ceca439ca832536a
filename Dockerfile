# syntax=docker/dockerfile:1
#
# ocopledger: a static binary on distroless (CA certificates and time zones,
# no shell), running as the non-root user 65532. Build:
#
#   docker build -t ocopledger --build-arg VERSION=$(git describe --always) .

FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
ENV CGO_ENABLED=0
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w -X github.com/ocopledger/ocopledger/internal/buildinfo.version=${VERSION}" -o /out/ocopledger ./cmd/ocopledger && \
    go build -trimpath -ldflags "-s -w" -o /out/healthcheck ./deploy/healthcheck && \
    mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ocopledger /usr/local/bin/ocopledger
COPY --from=build /out/healthcheck /usr/local/bin/healthcheck
# An empty /data owned by the runtime user: a new named volume mounted there
# takes this ownership, so the non-root process can write its read models.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV OCOPLEDGER_DATA=/data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/usr/local/bin/healthcheck", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["/usr/local/bin/ocopledger"]
CMD ["serve", "--addr", "0.0.0.0:8080", "--data", "/data"]
