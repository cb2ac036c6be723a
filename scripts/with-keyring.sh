#!/bin/sh
# Runs a command inside a fresh D-Bus session with a fresh, unlocked gnome-keyring, so tests use
# the real Secret Service without touching (or being blocked by) the user's own keyring.
# Where dbus-run-session or gnome-keyring is missing (macOS, Windows), runs the command as is:
# tests then use the platform keychain with their own unique service names.
if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  exec "$@"
fi
XDG_DATA_HOME="$(mktemp -d)"
export XDG_DATA_HOME
exec dbus-run-session -- sh -c 'printf keydeck-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' sh "$@"
