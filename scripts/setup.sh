# Shared by ./install-and-run and ./install-and-test: Debian packages when missing, then the
# virtualenv in .venv with the package installed (editable, so workouts/ and audio_models/ in
# this checkout are the ones used).

# Runtime: espeak-ng renders speech; PortAudio plays and records it.
RUNTIME_PACKAGES=(espeak-ng libespeak-ng1 libportaudio2 python3-venv)
# Tests: a private PulseAudio daemon with null sinks is the virtual speaker and microphone;
# tmux is the real terminal the start-up benchmark measures in; flite is a second synthesizer
# whose voices the command benchmark holds out (so it is not judged on espeak-ng alone).
TEST_PACKAGES=(pulseaudio pulseaudio-utils libasound2-plugins alsa-utils sox tmux flite)

ensure_packages() {
    local missing=()
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null; then
        echo "Please install these packages with your package manager: ${missing[*]}" >&2
        return 1
    fi
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    echo "Installing Debian packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_venv() {
    local extras="$1"
    if [ ! -x .venv/bin/python ]; then
        python3 -m venv .venv
    fi
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}"
}
