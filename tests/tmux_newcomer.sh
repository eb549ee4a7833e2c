#!/usr/bin/env bash
# A newcomer's first hour, driven through the INSTALLED qcode in tmux at 80×24 and 120×40 (and 100×30):
# a fresh demo project, every shipped document with `]`, then every screen and prompt, each screen
# captured with `tmux capture-pane -p`. Fails on a traceback or an error on any screen, on a main
# screen without "Help" and "Quit" in its footer, or on a screen that never shows what it should.
#
#   tests/tmux_newcomer.sh [OUTDIR]        (QCODE=/path/to/qcode to choose the program; SIZES="80x24 …")
#
# The captures stay in OUTDIR (default: a new temporary folder) to be read by a person.
set -euo pipefail

QCODE=${QCODE:-$(command -v qcode || true)}
[ -x "$QCODE" ] || { echo "tmux_newcomer: no installed qcode (set QCODE=…)" >&2; exit 2; }
command -v tmux >/dev/null || { echo "tmux_newcomer: tmux is not installed" >&2; exit 2; }
SIZES=${SIZES:-"80x24 100x30 120x40"}
OUT=${1:-$(mktemp -d -t qcode-newcomer.XXXXXX)}
mkdir -p "$OUT"
SOCK="qcode-newcomer-$$"
TM=(tmux -L "$SOCK")
FAILED=0

cleanup() { "${TM[@]}" kill-server 2>/dev/null || true; }
trap cleanup EXIT

fail() { echo "FAIL [$SIZE] $*" >&2; FAILED=1; }

capture() { "${TM[@]}" capture-pane -p -t newcomer 2>/dev/null || true; }

# wait_for TEXT [SECONDS]: until the screen shows TEXT (a fixed string)
wait_for() {
    local deadline=$((SECONDS + ${2:-20}))
    while [ $SECONDS -lt $deadline ]; do
        capture | grep -qF -- "$1" && return 0
        sleep 0.2
    done
    return 1
}

keys() { "${TM[@]}" send-keys -t newcomer "$@"; sleep 0.4; }
# escape, then a pause: a key sent right behind it would read as alt+key (as in any terminal)
esc() { keys Escape; sleep 1; }

# shot NAME EXPECT: wait for EXPECT, save the screen, check it for errors
shot() {
    local name=$1 expect=$2 file="$OUT/$SIZE-$1.txt"
    wait_for "$expect" 15 || fail "$name: never showed '$expect'"
    capture >"$file"
    if grep -qE "Traceback|Error" "$file"; then fail "$name: an error on screen (see $file)"; fi
}

main_ok() {  # the coding screen: help and quit in its footer
    local file="$OUT/$SIZE-$1.txt"
    tail -n 1 "$file" | grep -q "Help" && tail -n 1 "$file" | grep -q "Quit" || fail "$1: footer without Help and Quit"
}

for SIZE in $SIZES; do
    W=${SIZE%x*} H=${SIZE#*x}
    DIR=$(mktemp -d -t qcode-newcomer-project.XXXXXX)
    (cd "$DIR" && "$QCODE" demo >/dev/null)
    "${TM[@]}" new-session -d -s newcomer -x "$W" -y "$H" \
        "cd '$DIR' && QCODE_CODER_FILE='$DIR/coder' '$QCODE' code --coder newbie; echo \"qcode exited \$?\"; sleep 600"
    "${TM[@]}" resize-window -t newcomer -x "$W" -y "$H" 2>/dev/null || true
    shot first "A — Interviewee A"
    main_ok first
    COUNT=$(cd "$DIR" && "$QCODE" status | awk '$1 == "documents" {print $2}')
    [ "${COUNT:-0}" -ge 20 ] || fail "the demo has ${COUNT:-no} documents, not 20"
    for i in $(seq 2 "$COUNT"); do
        keys "]"
        shot "doc$i" "Help"
        main_ok "doc$i"
    done
    grep -l "Interviewee K: no passages" "$OUT/$SIZE"-doc*.txt >/dev/null || fail "K never showed as an empty document"
    for _ in $(seq 2 "$COUNT"); do keys "["; done
    shot back-to-A "A — Interviewee A"
    keys "?";       shot help "next segment (or item in a list)"; esc
    keys ":";       shot code-prompt "Code: type a name"; esc
    keys "m";       shot memo "Memo on segment"; esc
    keys "/"; keys "embassy" Enter; shot search "/embassy:"; esc
    keys C-d;       shot documents "Documents"; esc
    keys "w";       shot coded "wages applied"
    keys "u";       shot undone "undo"
    keys "B";       shot chart "Segments per code"; esc
    keys "C";       shot code-view "my codings (newbie)"; esc
    keys "A";       shot compare "Compare coders"; esc
    keys C-f;       keys "wages" Enter; shot query "segments in"; esc
    keys C-p;       shot palette "Search for commands"; esc
    keys "K";       sleep 3; capture >"$OUT/$SIZE-agreement.txt"; esc
    grep -qE "Traceback|Error" "$OUT/$SIZE-agreement.txt" && fail "agreement: an error on screen"
    keys "q"
    wait_for "qcode exited" 15 || fail "q did not quit"
    capture >"$OUT/$SIZE-after-quit.txt"  # the terminal after qcode: a traceback would be here
    grep -q "qcode exited 0" "$OUT/$SIZE-after-quit.txt" || fail "qcode did not exit 0: $(capture | tail -n 3)"
    if grep -qE "Traceback|Error" "$OUT/$SIZE-after-quit.txt"; then fail "after quitting: an error (see $OUT)"; fi
    "${TM[@]}" kill-session -t newcomer
    rm -rf "$DIR"
    echo "ok [$SIZE] $(ls "$OUT"/"$SIZE"-*.txt | wc -l) screens in $OUT"
done

[ $FAILED -eq 0 ] || { echo "tmux_newcomer: failures above; screens in $OUT" >&2; exit 1; }
echo "tmux_newcomer: every document and screen at $SIZES without an error; screens in $OUT"
