# bash completion for ndrscan(1)                          -*- shell-script -*-
# Installed as /usr/share/bash-completion/completions/ndrscan (loaded on
# demand by bash-completion); or source it from ~/.bashrc. Self-contained:
# it needs nothing from the bash-completion package.

# _ndrscan_reply - append compgen's matches for the current word, one per
# line (file names may contain spaces).
_ndrscan_reply() {
  local m
  while IFS= read -r m; do
    COMPREPLY+=("$m")
  done < <(compgen "$@" -- "$cur")
}

# _ndrscan_files [EXT] - files (only *.EXT when given) and directories.
_ndrscan_files() {
  compopt -o filenames 2>/dev/null
  if [[ -n $1 ]]; then
    _ndrscan_reply -f -X "!*.$1"
    _ndrscan_reply -d
  else
    _ndrscan_reply -f
  fi
}

_ndrscan() {
  local cur prev cword=$COMP_CWORD
  local -a words=("${COMP_WORDS[@]}")
  COMPREPLY=()
  cur=${words[cword]}
  prev=${words[cword-1]}
  # "--format=js": bash splits at '=' (COMP_WORDBREAKS); join it back.
  if [[ $cur == = ]]; then
    cur=""
  elif [[ $prev == = && $cword -ge 2 ]]; then
    prev=${words[cword-2]}
  elif [[ $cur == --*=* ]]; then
    prev=${cur%%=*}
    cur=${cur#*=}
  fi
  if [[ ${words[cword-1]} == = && $cword -ge 2 ]]; then prev=${words[cword-2]}; fi

  local commands="scan summary profile serve explain catalogue advise"
  local site="--profile --onprem --domain --geoip-db --no-geoip --knowledge --no-config --max-size"
  local sub=""
  if ((cword > 1)); then
    case ${words[1]} in
      scan | summary | profile | serve | explain | catalogue | advise) sub=${words[1]} ;;
    esac
  fi

  # The value of an option.
  case $prev in
    --format) _ndrscan_reply -W "text json"; return ;;
    --color | --colour) _ndrscan_reply -W "auto always never"; return ;;
    --profile) _ndrscan_files toml; return ;;
    --geoip-db) _ndrscan_files mmdb; return ;;
    --knowledge) compopt -o filenames 2>/dev/null; _ndrscan_reply -d; return ;;
    --jsonl | --csv | --summary-json | --report | --paths-from) _ndrscan_files; return ;;
    --out) compopt -o filenames 2>/dev/null; _ndrscan_reply -d; return ;;
    --mailboxes) _ndrscan_reply -W "office365 onprem hybrid gsuite"; return ;;
    --entry) _ndrscan_reply -W "office365 onprem filter gsuite"; return ;;
    --filter) _ndrscan_reply -W "mimecast trend-micro proofpoint barracuda sophos"; return ;;
    --spf) return ;;  # free text
    --onprem | --domain | --max-size | --top | -j | --jobs | --listen | --max-body | --threads) return ;;  # free text
  esac

  case $sub in
    scan)
      if [[ $cur == -* ]]; then
        _ndrscan_reply -W "--jsonl --csv --summary-json --report --top --errors --all-files --paths-from
                           --jobs --no-progress $site --help"
      else
        _ndrscan_files
      fi
      ;;
    summary)
      if ((cword == 2)); then
        _ndrscan_reply -W "merge"
      elif [[ $cur == -* ]]; then
        _ndrscan_reply -W "--json --top"
      else
        _ndrscan_files json
      fi
      ;;
    profile)
      if ((cword == 2)); then
        _ndrscan_reply -W "check"
      elif [[ $cur == -* ]]; then
        _ndrscan_reply -W "--no-config --help"
      else
        _ndrscan_files toml
      fi
      ;;
    serve)
      if [[ $cur == -* ]]; then
        _ndrscan_reply -W "--listen --allow-remote --max-body --threads --quiet --profile --onprem --domain
                           --geoip-db --no-geoip --knowledge --help"
      fi
      ;;
    explain)
      [[ $cur == -* ]] && _ndrscan_reply -W "--knowledge --help"
      ;;
    advise)
      [[ $cur == -* ]] && _ndrscan_reply -W "--mailboxes --entry --domain --filter --spf --json --list --knowledge --help"
      ;;
    catalogue)
      if ((cword == 2)); then
        _ndrscan_reply -W "lint dump"
      elif [[ $cur == -* ]]; then
        _ndrscan_reply -W "--knowledge --out --help"
      else
        compopt -o filenames 2>/dev/null
        _ndrscan_reply -d
      fi
      ;;
    *)
      if [[ $cur == -* ]]; then
        _ndrscan_reply -W "--json --format --pretty --color --no-color --explain --paste --no-paste $site --help --version"
      else
        ((cword == 1)) && _ndrscan_reply -W "$commands"
        _ndrscan_files
      fi
      ;;
  esac
}

complete -F _ndrscan ndrscan
