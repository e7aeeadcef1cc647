# hooklimit's image, built from source:
#
#   docker build -t hooklimit .
#   docker run --rm hooklimit version
#
# A static binary (no cgo) on distroless, run as a non-root user. Releases
# build the same image from their binaries (goreleaser.Dockerfile).
FROM golang:1.26.11-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/hooklimit ./cmd/hooklimit

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/hooklimit /usr/local/bin/hooklimit
USER nonroot:nonroot
ENTRYPOINT ["hooklimit"]
