#!/bin/sh
# Run a command inside a fresh D-Bus session with an unlocked gnome-keyring.
export XDG_DATA_HOME="$(mktemp -d)"
exec dbus-run-session -- sh -c 'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && "$@"' sh "$@"
