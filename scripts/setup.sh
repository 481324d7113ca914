# Shared by ./install-and-run and ./install-and-test: Debian packages when missing, then the
# virtualenv in .venv with the package installed (editable, so workouts/ and audio_models/ in
# this checkout are the ones used).

# Runtime: espeak-ng renders speech; PortAudio plays and records it; Speex cancels its echo.
RUNTIME_PACKAGES=(espeak-ng libespeak-ng1 libportaudio2 libspeexdsp1 python3-venv)
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
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null; then
            echo "Installing needs root: run this as root, or first: apt-get install ${missing[*]}" >&2
            return 1
        fi
        sudo=(sudo)
    fi
    echo "Installing Debian packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_venv() {
    local extras="$1"
    if [ ! -x .venv/bin/python ]; then
        python3 -m venv .venv
    fi
    # pip runs only when pyproject.toml changed since the last install (the code itself is
    # installed editable), so a second run works without a network, as on a gym floor. An
    # install with the test extras has the runtime's packages too.
    local wanted stamp
    wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    for stamp in ".venv/installed${extras}" ".venv/installed[test]"; do
        [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ] && return 0
    done
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}"
    echo "$wanted" >".venv/installed${extras}"
}
