#!/usr/bin/env bash
# Fetches the OFD reader the tests check every OFD with: ofd.js 0.2.6 (Apache-2.0) from the npm
# registry, its tarball checked against the registry's SHA-512, into tests/ofdreader/vendor/.
set -euo pipefail

VERSION=0.2.6
URL="https://registry.npmjs.org/ofd.js/-/ofd.js-${VERSION}.tgz"
INTEGRITY="qBC4bD5fC2e+qWg2ap6pajAU1Rl/G6+l6NUxMVgdcXTtjWcdRSYD6e63WGgmKAEuE4fjmntzIXZwODawjWmQuw=="
VENDOR="$(dirname "$0")/../tests/ofdreader/vendor"

[ -s "$VENDOR/ofd.umd.js" ] && [ -s "$VENDOR/LICENSE" ] && exit 0
echo "fetching ofd.js ${VERSION} (the tests' OFD reader)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -fsSL --retry 3 -o "$work/ofd.tgz" "$URL"
found=$(openssl dgst -sha512 -binary "$work/ofd.tgz" | base64 -w0)
if [ "$found" != "$INTEGRITY" ]; then
  echo "ofd.js ${VERSION}: the tarball's SHA-512 is not the registry's" >&2
  exit 1
fi
tar -xzf "$work/ofd.tgz" -C "$work" package/lib/ofd.umd.js package/LICENSE
mkdir -p "$VENDOR"
cp "$work/package/lib/ofd.umd.js" "$work/package/LICENSE" "$VENDOR/"
