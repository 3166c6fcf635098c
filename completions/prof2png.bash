# bash completion for prof2png.  The option names come from `prof2png --help`
# itself, so they never drift from the program.
_prof2png()
{
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
        -f|--format)
            COMPREPLY=($(compgen -W "pstats prof gprof callgrind perf collapse dtrace" -- "$cur"))
            return ;;
        -T|--type)
            COMPREPLY=($(compgen -W "dot gv png svg html pdf ps eps jpg gif xdot json plain" -- "$cur"))
            return ;;
        -c|--colormap|--colourmap)
            COMPREPLY=($(compgen -W "bw color gray pink print" -- "$cur") $(compgen -f -X '!*.theme' -- "$cur") $(compgen -d -- "$cur"))
            return ;;
        --theme)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --info)
            COMPREPLY=($(compgen -f -X '!*.[pP][nN][gG]' -- "$cur") $(compgen -d -- "$cur"))
            return ;;
        --node-label)
            COMPREPLY=($(compgen -W "total-time-percentage self-time-percentage total-time self-time" -- "$cur"))
            return ;;
        --total)
            COMPREPLY=($(compgen -W "callratios callstacks" -- "$cur"))
            return ;;
        --sort)
            COMPREPLY=($(compgen -W "calls cumulative file line name nfl pcalls stdname time ncalls cumtime filename module tottime" -- "$cur"))
            return ;;
        -o|--output)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        -n|--node-thres|-e|--edge-thres|--skew|--depth|--max-nodes|--max-pixels|--dpi|--time-format|--title|--href|-z|--root|-l|--leaf|-p|--path|--event|--thread|--list-functions|--limit|--filter|--callers|--callees|--compare-tolerance)
            return ;;
    esac
    if [[ $cur == -* ]]; then
        local opts
        opts=$("${COMP_WORDS[0]}" --help 2>/dev/null | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | tr -d ' ,' | sort -u)
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _prof2png prof2png
