# syntax=docker/dockerfile:1

# Build: a static binary (no cgo), so the final image needs no C library.
FROM golang:1.26 AS build
WORKDIR /code
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/datagen ./src/cmd/datagen

# Test: the target the CI runs ("docker build --target test", then the test command).
FROM build AS test
CMD ["go", "test", "-count=1", "./..."]

# Production: distroless static image (CA certificates and tzdata, nothing else).
# It runs as root like other Keboola components, so it can write the mounted /data.
FROM gcr.io/distroless/static-debian12 AS production
COPY --from=build /out/datagen /usr/local/bin/datagen
ENV KBC_DATADIR=/data
# Keboola runs the image with its data folder mounted at /data; "run" is the
# component mode. Other commands work too: docker run IMAGE generate ...
ENTRYPOINT ["/usr/local/bin/datagen"]
CMD ["run"]
