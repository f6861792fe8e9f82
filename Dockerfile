# syntax=docker/dockerfile:1
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# /out/data becomes the image's /data (the final stage has no shell to make it).
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/houqin . && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
# distroless/static carries CA certificates; the binary embeds time-zone data.
COPY --from=build /out/houqin /usr/local/bin/houqin
# The data folder belongs to the user the service runs as: a fresh named
# volume takes its owner from here, so the service can write its database,
# JWT secret and photos. The user is numeric (distroless's nonroot) so that
# runAsNonRoot checks can verify it.
COPY --from=build --chown=65532:65532 /out/data /data
ENV HOUQIN_ADDR=:8080 HOUQIN_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
USER 65532:65532
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/houqin", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/houqin"]
CMD ["serve"]
