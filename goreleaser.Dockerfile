# The release image, built by goreleaser (dockers_v2) from the binary it
# has already built for each platform: see .goreleaser.yaml. To build an
# image from source, use Dockerfile.
FROM gcr.io/distroless/static-debian12:nonroot
ARG TARGETPLATFORM
COPY $TARGETPLATFORM/hooklimit /usr/local/bin/hooklimit
USER nonroot:nonroot
ENTRYPOINT ["hooklimit"]
