#!/usr/bin/env bash
# Issue 8: the size of raster pictures.  --max-pixels bounds width x height
# (default 100M) and each side (to 32766: cairo's limit is 32767) by
# lowering the dpi; --dpi sets it.  Pictures within the bound, and DOT, SVG
# and PDF, are as before, byte for byte.  Bad values are usage errors (exit 2, one line).
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
stats=$src/samples/myapp.stats
# Sanitizer builds: the leak checker's list of suppressions used (Graphviz's
# fontconfig, tests/lsan.supp) would add lines to the stderr checked here
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0"

# size FILE.png: "WIDTH HEIGHT" from the IHDR chunk
size() {
  od -An -tu1 -j16 -N8 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}'
}

# idat FILE.png: the pixels' compressed data (the IDAT chunks): PNGs made
# by different command lines differ in the command line prof2png records
idat() { python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read(); i = 8; out = b""
while i < len(d):
    n, = struct.unpack(">I", d[i:i + 4])
    if d[i + 4:i + 8] == b"IDAT": out += d[i + 8:i + 8 + n]
    i += 12 + n
sys.stdout.buffer.write(out)' "$1"; }

# ---- a wide graph: the side bound (default budget) -------------------------
# 200 callees of main with long names: about 80000 pixels wide at 96 dpi.
for i in $(seq 1000 1199); do
  echo "main;a_function_with_a_rather_long_descriptive_name_number_$i 1"
done > "$tmp/wide.collapse"
expect_exit 0 "wide graph, default bound" -- "$bin" -f collapse -n 0 -e 0 "$tmp/wide.collapse" -o "$tmp/wide.png"
read -r w h <<< "$(size "$tmp/wide.png")"
[ "$w" -le 32766 ] && [ "$h" -le 32766 ] && [ "$w" -ge 32000 ] && pass ||
  fail "wide graph: ${w}x$h, expected a width just under 32767"
expect_match "$err" "^prof2png: note: the picture would be [0-9]{5,6}x[0-9]+ pixels at 96 dpi; drawn at [0-9.]+ dpi, ${w}x$h, to stay within --max-pixels 100000000 " \
  "wide graph: the note names the sizes"
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && pass || fail "wide graph: one note line, got: $err"
expect_exit 0 "wide graph, -q" -- "$bin" -q -f collapse -n 0 -e 0 "$tmp/wide.collapse" -o "$tmp/wide-q.png"
[ -z "$err" ] && pass || fail "-q: no note, got: $err"
[ "$(idat "$tmp/wide.png" | md5sum)" = "$(idat "$tmp/wide-q.png" | md5sum)" ] && pass || fail "-q changed the picture"

# ---- a budget in pixels ------------------------------------------------------
# (the sample's picture is 371x837, 310527 pixels, at 96 dpi)
for budget in 200k:200000 100000:100000 50000:50000; do
  arg=${budget%:*}; n=${budget#*:}
  expect_exit 0 "--max-pixels $arg" -- "$bin" "$stats" --max-pixels "$arg" -o "$tmp/b.png"
  read -r w h <<< "$(size "$tmp/b.png")"
  [ $((w * h)) -le "$n" ] && [ $((w * h)) -ge $((n * 9 / 10)) ] && pass ||
    fail "--max-pixels $arg: ${w}x$h = $((w * h)) pixels, expected at most $n and near it"
  expect_match "$err" "drawn at [0-9.]+ dpi, ${w}x$h, to stay within --max-pixels $n " "--max-pixels $arg: note"
done
# also for JPEG (GIF is a palette picture of the same size)
expect_exit 0 "--max-pixels, jpg" -- "$bin" "$stats" --max-pixels 50000 -o "$tmp/b.jpg"
expect_match "$err" "drawn at [0-9.]+ dpi, [0-9]+x[0-9]+, to stay within --max-pixels 50000 " "jpg: bounded"

# ---- small pictures, DOT, SVG: unchanged -------------------------------------
expect_exit 0 "sample png" -- "$bin" "$stats" -o "$tmp/s.png"
[ -z "$err" ] && pass || fail "sample png: no note expected, got: $err"
expect_exit 0 "sample png, no bound" -- "$bin" "$stats" --max-pixels 0 -o "$tmp/s0.png"
expect_exit 0 "sample png, --dpi 96" -- "$bin" "$stats" --dpi 96 -o "$tmp/s96.png"
read -r w0 h0 <<< "$(size "$tmp/s.png")"
read -r w1 h1 <<< "$(size "$tmp/s0.png")"
read -r w2 h2 <<< "$(size "$tmp/s96.png")"
[ "$w0 $h0" = "$w1 $h1" ] && [ "$w0 $h0" = "$w2 $h2" ] && pass ||
  fail "sample: ${w0}x$h0 by default, ${w1}x$h1 with --max-pixels 0, ${w2}x$h2 with --dpi 96"
[ "$(idat "$tmp/s.png" | md5sum)" = "$(idat "$tmp/s0.png" | md5sum)" ] &&
  [ "$(idat "$tmp/s.png" | md5sum)" = "$(idat "$tmp/s96.png" | md5sum)" ] && pass ||
  fail "sample: the pixels differ with --max-pixels 0 or --dpi 96"
for t in dot svg pdf; do
  expect_exit 0 "$t default" -- "$bin" "$stats" -T "$t" -o "$tmp/d.$t"
  expect_exit 0 "$t, options" -- "$bin" "$stats" -T "$t" --max-pixels 20000 --dpi 300 -o "$tmp/o.$t"
  [ "$t" = pdf ] && { sed -i '/CreationDate/d' "$tmp/d.$t" "$tmp/o.$t" 2> /dev/null || true; }
  cmp -s "$tmp/d.$t" "$tmp/o.$t" && pass || fail "$t: --max-pixels/--dpi changed it"
done

# ---- --dpi --------------------------------------------------------------------
expect_exit 0 "--dpi 48" -- "$bin" "$stats" --dpi 48 -o "$tmp/s48.png"
expect_exit 0 "--dpi 192" -- "$bin" "$stats" --dpi 192 -o "$tmp/s192.png"
read -r w3 h3 <<< "$(size "$tmp/s48.png")"
read -r w4 h4 <<< "$(size "$tmp/s192.png")"
[ $((w3 * 2 - w0)) -ge -2 ] && [ $((w3 * 2 - w0)) -le 2 ] && [ $((w4 - 2 * w0)) -ge -2 ] &&
  [ $((w4 - 2 * w0)) -le 2 ] && [ $((h4 - 2 * h0)) -le 2 ] && pass ||
  fail "--dpi: ${w3}x$h3 at 48, ${w0}x$h0 at 96, ${w4}x$h4 at 192"
# --dpi within the budget: the budget wins
expect_exit 0 "--dpi 300 --max-pixels 40000" -- "$bin" "$stats" --dpi 300 --max-pixels 40000 -o "$tmp/s300.png"
read -r w h <<< "$(size "$tmp/s300.png")"
[ $((w * h)) -le 40000 ] && pass || fail "--dpi 300 --max-pixels 40000: ${w}x$h"
expect_match "$err" "would be [0-9]+x[0-9]+ pixels at 300 dpi" "--dpi 300: the note names it"

# ---- bad values -----------------------------------------------------------------
usage_error() {
  local what=$1 re=$2; shift 2
  rm -f "$tmp/out.png"
  expect_exit 2 "$what" -- "$bin" "$@" -o "$tmp/out.png"
  expect_match "$err" "^prof2png: $re" "$what: message"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && pass || fail "$what: one line on stderr, got: $err"
  [ -z "$out" ] && pass || fail "$what: stdout not empty"
  expect_absent "$tmp/out.png" "$what"
}
for v in x '' -1 1.5 9999 5k 1m 10kk 2000000M 99999999999999999999999 ' 100000' 100000x; do
  usage_error "--max-pixels '$v'" \
    "--max-pixels: expected 0 or a number of pixels >= 10000 \(k and M suffixes allowed\), found '$v'" \
    --max-pixels "$v" "$stats"
done
for v in x '' 0 -5 0.5 10001 nan inf 96dpi; do
  usage_error "--dpi '$v'" "--dpi: expected a number from 1 to 10000, found '$v'" --dpi "$v" "$stats"
done

finish
