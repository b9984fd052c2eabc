#!/usr/bin/env bash
# Installs the system packages wenshu needs (LibreOffice, UNO, fonts, poppler) when missing.
# fonts-noto-cjk-extra brings Noto Serif CJK SC Black, the heavy face standing in for 方正小标宋.
set -euo pipefail

PACKAGES=(
  libreoffice-writer-nogui python3-uno python3-venv python3-pip
  fonts-noto-cjk fonts-noto-cjk-extra fonts-arphic-ukai fonts-arphic-uming fonts-hanazono fonts-symbola
  poppler-utils qpdf fontconfig chromium postgresql redis-server curl openssl ca-certificates
)
FANDOL_DIR=/usr/local/share/fonts/fandol

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# FandolFang is the free FangSong face; it ships only inside texlive-lang-chinese,
# so take the font files out of the package instead of installing TeX Live.
if ! ls "$FANDOL_DIR"/FandolFang-Regular.otf >/dev/null 2>&1; then
  echo "extracting FandolFang from texlive-lang-chinese"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  [ -n "$(find /var/lib/apt/lists -name '*Packages' -print -quit 2>/dev/null)" ] || apt-get update -qq
  (cd "$work" && apt-get download -qq texlive-lang-chinese)
  dpkg-deb -x "$work"/texlive-lang-chinese_*.deb "$work/x"
  mkdir -p "$FANDOL_DIR"
  cp "$work"/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/*.otf "$FANDOL_DIR"/
  fc-cache -f "$FANDOL_DIR" >/dev/null
fi
