# syntax=docker/dockerfile:1

# Build stage: a static, stripped binary. go.mod and go.sum are copied first so the module
# download layer is reused until the dependencies change.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/accord ./cmd/accord \
 && mkdir -p /out/data

# Final stage: distroless static (CA certificates, tzdata, /etc/passwd with nonroot), no shell.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/accord /accord
# Pre-create the data directory owned by nonroot; a fresh volume mounted at /data inherits this
# ownership, so the server can write its log without running as root.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV ACCORD_DATA_DIR=/data ACCORD_LISTEN=:8081
EXPOSE 8081
VOLUME /data
ENTRYPOINT ["/accord"]
CMD ["serve"]
