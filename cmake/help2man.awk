# Turn `prof2png --help` into a roff man page (prof2png.1), so that the man
# page and --help come from the same text (src/cli/options.c).  Run as
#   prof2png --help | awk -v version=0.1.0 -f help2man.awk > prof2png.1
# The layout it expects: "usage:" first, then a description paragraph, then
# sections (an unindented line ending in ':'), whose option lines start with
# two blanks and a '-', the option and its text split by two or more
# blanks, and whose continuation lines are indented 26 columns; other
# unindented lines are paragraphs.  No date: the same input gives the same
# page.
function esc(s) {
    gsub(/\\/, "\\e", s)
    gsub(/-/, "\\-", s)
    return s
}
function line_start(s) {
    if (s ~ /^[.']/)
        return "\\&" s
    return s
}
function optfmt(s,    n, w, i, out, sep, tail) {
    n = split(s, w, " ")
    out = ""
    for (i = 1; i <= n; i++) {
        tail = ""
        if (w[i] ~ /,$/) { tail = ","; sub(/,$/, "", w[i]) }
        if (w[i] ~ /^-/)
            out = out (i > 1 ? " " : "") "\\fB" esc(w[i]) "\\fR" tail
        else
            out = out (i > 1 ? " " : "") "\\fI" esc(w[i]) "\\fR" tail
    }
    return out
}
function flush() {
    if (text != "")
        print line_start(esc(text))
    text = ""
}
BEGIN {
    print ".TH PROF2PNG 1 \"\" \"prof2png " version "\" \"User Commands\""
    print ".SH NAME"
    print "prof2png \\- turn profiler output into a call graph (DOT, PNG, SVG, PDF)"
    print ".SH SYNOPSIS"
    print ".B prof2png"
    print "[\\fIoptions\\fR] [\\fIINPUT\\fR] ..."
    print ".SH DESCRIPTION"
    state = "desc"
    text = ""
}
/^usage:/ { next }
/^$/ { flush(); if (state != "desc" || seen_desc) print ".PP"; next }
/^[^ ].*:$/ {
    flush()
    if (state == "desc")
        print ".SH OPTIONS"
    state = "opts"
    h = $0; sub(/:$/, "", h)
    print ".SS " esc(h)
    next
}
/^  +-/ {
    flush()
    s = $0; sub(/^ +/, "", s)
    if (match(s, /  +/)) {
        opt = substr(s, 1, RSTART - 1)
        desc = substr(s, RSTART + RLENGTH)
    } else {
        opt = s; desc = ""
    }
    print ".TP"
    print optfmt(opt)
    text = desc
    next
}
/^                          / {
    s = $0; sub(/^ +/, "", s)
    text = (text == "" ? s : text " " s)
    next
}
{
    s = $0; sub(/^ +/, "", s)
    if (state == "desc") seen_desc = 1
    text = (text == "" ? s : text " " s)
}
END {
    flush()
    print ".SH FILES"
    print "The built-in colour maps, in the format \\fB\\-\\-theme\\fR reads, are installed in"
    print "\\fIshare/prof2png/themes\\fR under the installation prefix."
    print ".SH SEE ALSO"
    print "\\fBgprof2dot\\fR(1), \\fBdot\\fR(1), \\fBgprof\\fR(1), \\fBvalgrind\\fR(1), \\fBperf\\fR(1)"
}
