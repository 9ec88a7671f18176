#!/usr/bin/env bash
# Install the Debian packages nnscope needs to build, run and test, if any is missing.
# Quick and silent when everything is there; uses sudo when not root.
set -euo pipefail

packages=(
    build-essential pkg-config
    libopenblas-dev liblua5.4-dev zlib1g-dev libreadline-dev
    libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev
    fonts-dejavu-core fonts-wqy-microhei
    dataset-fashion-mnist
    xvfb xauth
    tmux python3
    python3-numpy           # the tests read saved model files with numpy
)
if [ "${1:-}" = "--bench" ]; then
    packages+=(python3-torch)
fi
if [ "${1:-}" = "--fuzz" ]; then     # make fuzz: clang and its libFuzzer runtime
    packages+=(clang libclang-rt-dev)
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "nnscope: installing missing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "nnscope: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
