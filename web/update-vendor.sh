#!/usr/bin/env bash
# Refreshes web/vendor/ from npm: uPlot's built files and licence at the version package.json names.
# The page is served from the binary (include_bytes!), so rebuild after running this.
set -euo pipefail
cd "$(dirname "$0")"
version=$(node -p 'require("./package.json").dependencies.uplot')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "uplot@$version" >/dev/null && tar xzf uplot-*.tgz)
mkdir -p vendor
cp "$tmp/package/dist/uPlot.iife.min.js" "$tmp/package/dist/uPlot.min.css" vendor/
cp "$tmp/package/LICENSE" vendor/uPlot.LICENSE
echo "web/vendor: uPlot $version"
