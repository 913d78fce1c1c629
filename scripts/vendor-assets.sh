#!/usr/bin/env bash
# Copies the pinned npm packages' files that motcua serves or renders with into the package:
#   motcua/static/vendor/  scripts and web fonts for the pages (halls run offline: no CDN)
#   motcua/fonts/          TrueType fonts Pillow uses to draw Vietnamese on tickets
set -euo pipefail
cd "$(dirname "$0")/.."
nm=node_modules
static=motcua/static/vendor
fonts=motcua/fonts
mkdir -p "$static/fonts" "$fonts"
cp "$nm/socket.io-client/dist/socket.io.min.js" "$static/"
cp "$nm/chart.js/dist/chart.umd.min.js" "$static/"
for w in 400 500 600 700 800; do
  for subset in vietnamese latin latin-ext; do
    cp "$nm/@fontsource/be-vietnam-pro/files/be-vietnam-pro-$subset-$w-normal.woff2" "$static/fonts/"
  done
done
for f in 400Regular 500Medium 600SemiBold 700Bold 800ExtraBold; do
  cp "$nm/@expo-google-fonts/be-vietnam-pro/$f/BeVietnamPro_$f.ttf" "$fonts/"
done
cp "$nm/@expo-google-fonts/be-vietnam-pro/LICENSE_FONT" "$fonts/OFL.txt"
