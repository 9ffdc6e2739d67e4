# mumtool in a container, for pipelines that would rather not build it:
#   docker build -t mumtool .
#   docker run --rm -v "$PWD:/work" mumtool verify --format sarif -o mumtool.sarif X.msu
# (doc/ci.md has complete pipeline examples).  Two stages: the first builds
# and installs into /out with the -dev packages, the second carries only
# the runtime libraries and what 'make install' put in /out.
FROM debian:12-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential autoconf automake libtool pkg-config \
      libexpat1-dev libarchive-dev libssl-dev ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN autoreconf -fi \
 && ./configure --prefix=/usr/local \
 && make -j"$(nproc)" \
 && make install DESTDIR=/out \
 && rm -f /out/usr/local/lib/*.la

FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libexpat1 libarchive13 libssl3 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/usr/local/ /usr/local/
# libmum.so lands in /usr/local/lib; refresh the loader's cache, and fail
# the build now rather than in a pipeline if the program does not start
RUN ldconfig && mumtool --version
WORKDIR /work
ENTRYPOINT ["mumtool"]
CMD ["--help"]
