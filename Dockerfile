# syntax=docker/dockerfile:1
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/houqin .

FROM gcr.io/distroless/static-debian12:nonroot
# distroless/static carries CA certificates; the binary embeds time-zone data.
COPY --from=build /out/houqin /usr/local/bin/houqin
ENV HOUQIN_ADDR=:8080 HOUQIN_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/houqin", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/houqin"]
CMD ["serve"]
