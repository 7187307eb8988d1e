// app.js - the `ndrscan serve` page: send the pasted text or a dropped file to
// POST /api/analyze and render the JSON (docs/json.md).
//
// Every value from the input reaches the page through textContent,
// setAttribute or createTextNode (DOM APIs); nothing is parsed as HTML, so a
// header holding <script> shows as text. No external resources.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const SVG_NS = "http://www.w3.org/2000/svg";
  let maxBody = 16 * 1024 * 1024;
  let busy = false;

  // ---- DOM helpers (text only) ---------------------------------------------
  /** el - element with attributes and children (strings become text nodes). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  }
  function svg(tag, attrs, ...children) {
    const e = document.createElementNS(SVG_NS, tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  }
  function setAttrs(e, attrs) {
    if (!attrs) return;
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      e.setAttribute(k, v === true ? "" : String(v));
    }
  }
  function append(e, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
  }
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }
  function muted(text) {
    return el("p", { class: "none" }, text);
  }
  function code(text) {
    return el("code", null, text);
  }
  /** breakable - text with a line-break opportunity (<wbr>) after each dot, colon and underscore. */
  function breakable(text) {
    const parts = String(text).split(/(?<=[.:_])/);
    const out = [];
    parts.forEach((p, i) => {
      if (i) out.push(document.createElement("wbr"));
      out.push(p);
    });
    return out;
  }

  // ---- vocabulary -----------------------------------------------------------
  const CLASS_LABEL = {
    eop: "Exchange Online Protection",
    "exchange-online": "Exchange Online",
    onprem: "on-premises",
    "third-party-filter": "third-party filter",
    provider: "mail provider",
    private: "private network",
    unknown: "Internet",
  };
  const CLASSES = Object.keys(CLASS_LABEL);

  function cls(net) {
    return net && CLASSES.includes(net.class) ? net.class : "unknown";
  }
  /** networkName - "on-premises", "Exchange Online", "Mimecast", "Internet". */
  function networkName(net) {
    if (!net) return "unknown network";
    const c = cls(net);
    if ((c === "third-party-filter" || c === "provider") && net.provider_name) return net.provider_name;
    return CLASS_LABEL[c];
  }
  /** routeLabel - the same labels as the CLI's route summary (hop_classifier.cc). */
  function routeLabel(net) {
    const c = cls(net);
    if (c === "onprem") return "on-prem";
    if (c === "private") return "private network";
    if (c === "eop") return "EOP";
    if (c === "exchange-online") return "Exchange Online";
    if (net.provider_name) return net.provider_name;
    return "Internet";
  }
  function sameHost(a, b) {
    if (!a || !b) return false;
    return a.replace(/\.$/, "").toLowerCase() === b.replace(/\.$/, "").toLowerCase();
  }
  function plural(n, one, many) {
    return n === 1 ? one : many;
  }
  function formatDelay(s) {
    if (s === null || s === undefined) return "";
    const neg = s < 0;
    let v = Math.abs(s);
    let out;
    if (v < 60) out = v + " s";
    else if (v < 3600) out = Math.floor(v / 60) + " min " + (v % 60) + " s";
    else if (v < 86400) out = Math.floor(v / 3600) + " h " + Math.floor((v % 3600) / 60) + " min";
    else out = Math.floor(v / 86400) + " d " + Math.floor((v % 86400) / 3600) + " h";
    return (neg ? "-" : "") + out;
  }
  function formatTime(t) {
    return t ? t.replace("T", " ") : "";
  }
  function clip(s, n) {
    return s && s.length > n ? s.slice(0, n - 1) + "…" : s;
  }
  function formatBytes(n) {
    if (n < 1024) return n + " bytes";
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KB";
    return (n / 1024 / 1024).toFixed(1) + " MB";
  }

  // ---- verdict --------------------------------------------------------------
  function replyLine(r) {
    if (r.diagnostic) return r.diagnostic;
    return [r.reply_code, r.status, r.status_text].filter(Boolean).join(" ");
  }
  /** shortReply - a multi-line SMTP reply ("550-5.1.1 a 550-5.1.1 b") as one
   *  line without the repeated codes, cut after its first sentence. */
  function shortReply(line) {
    const m = line.match(/^\s*(\d{3})[- ](\d\.\d{1,3}\.\d{1,3}\s+)?/);
    if (!m) return clip(line, 160);
    const head = m[1] + (m[2] ? " " + m[2].trim() : "");
    let rest = line.slice(m[0].length).replace(/\s*\b\d{3}[- ]\d\.\d{1,3}\.\d{1,3}\s+/g, " ").trim();
    const stop = rest.search(/[.!](\s|$)/);
    if (stop >= 20) rest = rest.slice(0, stop);
    return clip(head + " " + rest, 160);
  }
  /** verdictSentence - who failed, with what, refused by which network. */
  function verdictSentence(a) {
    const recips = a.recipients || [];
    const failed = recips.filter((r) => r.action === "failed");
    const delayed = recips.filter((r) => r.action === "delayed");
    const rb = a.rejected_by;
    const where = rb && rb.host ? `${rb.host} (${networkName(rb.network)})` : null;
    const refused = rb && (rb.source === "Remote-MTA" || rb.source === "diagnostic");
    const who = (list) => {
      const first = list[0].address || "a recipient";
      return list.length > 1 ? `${first} and ${list.length - 1} other ${plural(list.length - 1, "recipient", "recipients")}` : first;
    };
    const many = (list) => list.length > 1;
    if (failed.length) {
      const r = failed[0];
      const line = replyLine(r);
      let s = who(failed);
      if (where && refused) s += ` ${many(failed) ? "were" : "was"} refused by ${where}`;
      else if (where) s += ` could not be delivered (reported by ${where})`;
      else s += ` could not be delivered`;
      if (line) s += ` with ${shortReply(line)}`;
      return s + ".";
    }
    if (delayed.length) {
      const r = delayed[0];
      const line = replyLine(r);
      let s = `Delivery to ${who(delayed)} is delayed`;
      if (where) s += ` (reported by ${where})`;
      if (line) s += `: ${shortReply(line)}`;
      if (r.will_retry_until) s += `; retrying until ${formatTime(r.will_retry_until)}`;
      return s + ".";
    }
    if (recips.length) {
      const r = recips[0];
      return `${who(recips)}: ${r.action || "no action given"}${r.status ? " (" + r.status + ")" : ""}; nothing failed.`;
    }
    const hops = (a.hops || []).length;
    const kind = a.input_kind === "headers" ? "A header block" : "A message";
    const route = a.route && a.route.bounce ? `, route ${a.route.bounce}` : "";
    return `${kind} with ${hops} ${plural(hops, "hop", "hops")}${route}; no delivery failure was found in it.`;
  }

  function verdictFacts(a) {
    const out = [];
    const r = (a.recipients || []).find((x) => x.action === "failed" || x.action === "delayed");
    if (r) {
      if (r.status) out.push(["Status", `${r.status}${r.status_text ? " - " + r.status_text : ""}${r.status_inferred ? " (inferred)" : ""}`]);
      if (r.reason) out.push(["Reason", `${r.reason}${r.hard === true ? " (hard bounce)" : r.hard === false ? " (soft bounce)" : ""}`]);
    }
    const rb = a.rejected_by;
    if (rb) {
      const n = rb.network || {};
      let s = `${rb.host || rb.ip || "?"}${rb.ip && rb.host ? " [" + rb.ip + "]" : ""} - ${networkName(n)}`;
      if (n.provider_name && n.class !== "third-party-filter" && n.class !== "provider") s += ` (${n.provider_name})`;
      s += `, from ${rb.source}`;
      if (rb.hop) s += `, hop ${rb.hop} of the ${rb.chain === "original" ? "returned original" : "bounce"}`;
      out.push([rb.source === "Remote-MTA" || rb.source === "diagnostic" ? "Refused by" : "Reported by", s]);
    }
    if (a.reporting_mta) out.push(["Reporting MTA", a.reporting_mta]);
    return out;
  }

  // ---- route diagram ----------------------------------------------------------
  /** segments - one box per network on the chain, oldest first (as the CLI's route). */
  function segments(hops) {
    const segs = [];
    const push = (net, host, hop, side) => {
      if (!net) return;
      const label = routeLabel(net);
      let s = segs[segs.length - 1];
      if (!s || s.label !== label) {
        s = { label, cls: cls(net), net, hosts: [], sides: [] };
        segs.push(s);
      }
      if (host && !s.hosts.some((h) => sameHost(h, host))) s.hosts.push(host);
      s.sides.push({ hop, side, host });
    };
    for (const h of hops) {
      const n = h.network || {};
      if (h.from_ip || h.from_host || h.from_rdns) push(n.from, h.from_host || h.from_rdns || h.from_ip, h.index, "from");
      push(n.by, h.by_host || h.by_ip, h.index, "by");
    }
    return segs;
  }

  /** markRejected - the box of the refusing server: on the chain, or appended. */
  function markRejected(segs, rb, chainName) {
    if (!rb) return;
    const onChain = rb.hop && rb.chain === chainName;
    if (onChain) {
      let idx = segs.findIndex((s) => s.sides.some((x) => x.hop === rb.hop && sameHost(x.host, rb.host)));
      if (idx < 0) idx = segs.findIndex((s) => s.sides.some((x) => x.hop === rb.hop && x.side === "by"));
      if (idx >= 0) {
        segs[idx].rejected = true;
        segs[idx].rejectedHost = rb.host;
        return;
      }
    }
    if (rb.hop && rb.chain && rb.chain !== chainName) return;
    const net = rb.network || { class: rb.class || "unknown" };
    segs.push({
      label: routeLabel(net),
      cls: cls(net),
      net,
      hosts: rb.host ? [rb.host] : rb.ip ? [rb.ip] : [],
      sides: [],
      rejected: true,
      rejectedHost: rb.host,
      outside: true,
    });
  }

  const BOX_W = 200, BOX_H = 70, GAP = 44, PAD = 10, TOP = 26;

  function routeSvg(segs, title) {
    const n = segs.length;
    const width = PAD * 2 + n * BOX_W + (n - 1) * GAP;
    const height = TOP + BOX_H + 8;
    const root = svg("svg", {
      xmlns: SVG_NS,
      class: "route-svg",
      role: "img",
      "aria-label": title + ": " + segs.map((s) => s.label + (s.rejected ? " (refused here)" : "")).join(" > "),
      viewBox: `0 0 ${width} ${height}`,
      width: width,
      height: height,
    });
    // Scale down to fit narrow windows, but not below 60 %: then scroll.
    root.style.minWidth = Math.round(width * 0.6) + "px";
    const defs = svg("defs", null,
      svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
        svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head" })),
      svg("marker", { id: "arrow-refused", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
        svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head refused" })));
    root.appendChild(defs);
    segs.forEach((s, i) => {
      const x = PAD + i * (BOX_W + GAP);
      const y = TOP;
      if (i > 0) {
        const x0 = x - GAP + 2, x1 = x - 3, ym = y + BOX_H / 2;
        root.appendChild(svg("line", {
          x1: x0, y1: ym, x2: x1, y2: ym,
          class: s.outside ? "link refused" : "link",
          "marker-end": s.outside ? "url(#arrow-refused)" : "url(#arrow)",
        }));
        if (s.outside) root.appendChild(svg("text", { x: x - GAP / 2, y: ym - 6, class: "link-x", "text-anchor": "middle" }, "✕"));
      }
      const g = svg("g", {
        class: `seg net-${s.cls}${s.rejected ? " rejected" : ""}`,
        "data-class": s.cls,
        "data-rejected": s.rejected ? "true" : null,
      });
      const hostsTitle = s.hosts.length ? s.hosts.join("\n") : "no host name";
      g.appendChild(svg("title", null, `${s.label} (${CLASS_LABEL[s.cls]})\n${hostsTitle}`));
      g.appendChild(svg("rect", { x, y, width: BOX_W, height: BOX_H, rx: 8, ry: 8, class: "box" }));
      g.appendChild(svg("text", { x: x + BOX_W / 2, y: y + 22, class: "seg-label", "text-anchor": "middle" }, clip(s.label, 22)));
      const first = s.rejected && s.rejectedHost ? s.rejectedHost : s.hosts[0];
      if (first) g.appendChild(svg("text", { x: x + BOX_W / 2, y: y + 42, class: "seg-host", "text-anchor": "middle" }, clip(first, 25)));
      const more = s.hosts.length - 1;
      if (more > 0) g.appendChild(svg("text", { x: x + BOX_W / 2, y: y + 59, class: "seg-more", "text-anchor": "middle" }, `+${more} more ${plural(more, "server", "servers")}`));
      else if (s.outside) g.appendChild(svg("text", { x: x + BOX_W / 2, y: y + 59, class: "seg-more", "text-anchor": "middle" }, "not in the Received chain"));
      if (s.rejected) {
        g.appendChild(svg("rect", { x: x + BOX_W / 2 - 48, y: y - 20, width: 96, height: 18, rx: 9, class: "badge" }));
        g.appendChild(svg("text", { x: x + BOX_W / 2, y: y - 7, class: "badge-text", "text-anchor": "middle" }, "✕ refused here"));
      }
      root.appendChild(g);
    });
    return root;
  }

  function renderRoute(a) {
    const box = $("route");
    clear(box);
    const chains = [];
    const orig = a.original && a.original.hops && a.original.hops.length ? a.original.hops : null;
    const own = a.hops && a.hops.length ? a.hops : null;
    const rb = a.rejected_by;
    if (orig) chains.push({ name: "original", title: "The message that failed (returned original), oldest first", hops: orig });
    if (own) chains.push({ name: "bounce", title: orig ? "This bounce on its way back to you, oldest first" : "This message, oldest first", hops: own });
    if (!chains.length && !rb) {
      box.appendChild(muted("No Received fields: the route is unknown."));
      return;
    }
    // The refusing server goes where the JSON says; else after the original
    // (the message it refused), else after this message's own route.
    let rbChain = rb ? (rb.hop && rb.chain ? rb.chain : orig ? "original" : "refused") : null;
    // No returned original: the refusing server is not on this message's way
    // back, so it gets a figure of its own.
    if (rbChain === "refused") chains.push({ name: "refused", title: "The server that refused the message", hops: [] });
    const used = new Set();
    for (const c of chains) {
      const segs = segments(c.hops);
      if (rb && rbChain === c.name) markRejected(segs, rb, c.name);
      if (!segs.length) continue;
      segs.forEach((s) => used.add(s.cls));
      const fig = el("figure", { class: "route-fig", "data-chain": c.name });
      fig.appendChild(el("figcaption", null, c.title));
      const scroller = el("div", { class: "route-scroll" });
      scroller.appendChild(routeSvg(segs, c.title));
      fig.appendChild(scroller);
      box.appendChild(fig);
    }
    const legend = el("ul", { class: "legend" });
    for (const c of CLASSES) {
      if (!used.has(c)) continue;
      legend.appendChild(el("li", null, el("span", { class: `swatch net-${c}` }), CLASS_LABEL[c]));
    }
    if (rb) legend.appendChild(el("li", null, el("span", { class: "swatch rejected-swatch" }), "refused here"));
    box.appendChild(legend);
  }

  // ---- tables -----------------------------------------------------------------
  function table(headers, rows, opts) {
    const t = el("table", opts && opts.cls ? { class: opts.cls } : null);
    t.appendChild(el("thead", null, el("tr", null, headers.map((h) => el("th", { scope: "col" }, h)))));
    const tb = el("tbody");
    rows.forEach((r) => tb.appendChild(r));
    t.appendChild(tb);
    return el("div", { class: "table-scroll" }, t);
  }
  function netTag(net) {
    if (!net) return null;
    const ev = (net.evidence || []).join("\n");
    return el("span", { class: `tag net-${cls(net)}`, title: ev || null }, routeLabel(net) + (net.confidence ? ` ${net.confidence}%` : ""));
  }
  function hostCell(host, ip, rdns, net) {
    const lines = [];
    if (host) lines.push(el("div", { class: "host" }, breakable(host)));
    const extra = [rdns && !sameHost(rdns, host) ? rdns : null, ip ? `[${ip}]` : null].filter(Boolean).join(" ");
    if (extra) lines.push(el("div", { class: "ip" }, extra));
    if (net) lines.push(el("div", null, netTag(net)));
    return el("td", null, lines.length ? lines : "-");
  }

  function renderRecipients(a) {
    const box = $("recipients");
    clear(box);
    const recips = a.recipients || [];
    if (!recips.length) {
      box.appendChild(muted("No recipient block (no delivery status notification was found)."));
      return;
    }
    const rows = recips.map((r) => {
      const bad = r.action === "failed" ? "bad" : r.action === "delayed" ? "warn" : "ok";
      return el("tr", null,
        el("td", null, el("div", { class: "host" }, r.address || "(no address)"),
          r.original_recipient && r.original_recipient !== r.address ? el("div", { class: "ip" }, "originally " + r.original_recipient) : null),
        el("td", null, el("span", { class: `pill ${bad}` }, r.action || "?")),
        el("td", null, el("div", null, code([r.reply_code, r.status].filter(Boolean).join(" ") || "-")),
          r.status_text ? el("div", { class: "ip" }, r.status_text) : null),
        el("td", null, r.reason ? el("div", { title: r.reason_evidence || null }, r.reason) : "-",
          r.hard === true ? el("div", { class: "ip" }, "hard bounce") : r.hard === false ? el("div", { class: "ip" }, "soft bounce") : null),
        el("td", { class: "diag" }, r.diagnostic || "-", r.remote_mta ? el("div", { class: "ip" }, "remote server: " + r.remote_mta) : null));
    });
    box.appendChild(table(["Recipient", "Action", "Status", "Reason", "Server reply"], rows));
  }

  function hopTable(hops, rb, chainName) {
    const rows = hops.map((h) => {
      const n = h.network || {};
      const rejected = rb && rb.hop === h.index && rb.chain === chainName;
      let delay = formatDelay(h.delay_s);
      const dcls = h.clock_skew ? "skew" : h.delay_s >= 300 ? "slow" : h.delay_s >= 60 ? "warnd" : "";
      const tls = h.tls
        ? [el("span", { class: "pill ok", title: `evidence: ${h.tls.evidence || "?"}` }, h.tls.version || "TLS"),
           h.tls.cipher ? el("div", { class: "ip" }, breakable(h.tls.cipher)) : null]
        : el("span", { class: "pill muted" }, "none shown");
      return el("tr", { class: rejected ? "rejected-row" : null, "data-hop": h.index },
        el("td", { class: "num" }, String(h.index), rejected ? el("div", { class: "pill bad" }, "refused") : null),
        el("td", { class: "time" }, h.time ? [el("div", null, h.time.slice(0, 10)), el("div", null, h.time.slice(11))] : "-",
          h.time_zone_known === false ? el("div", { class: "ip" }, "no zone: UTC assumed") : null),
        el("td", { class: `num ${dcls}` }, delay || "-", h.clock_skew ? el("div", { class: "ip" }, "clock skew") : null),
        hostCell(h.from_host, h.from_ip, h.from_rdns, n.from),
        hostCell(h.by_host, h.by_ip, null, n.by),
        el("td", null, h.protocol || "-", h.via ? el("div", { class: "ip" }, h.via) : null,
          h.exchange_version ? el("div", { class: "ip" }, h.exchange_version) : null),
        el("td", null, tls, h.partial ? el("div", { class: "ip" }, "partly understood") : null));
    });
    return table(["#", "Time (UTC)", "Delay", "From", "By", "With", "TLS"], rows, { cls: "hops" });
  }

  function renderHops(a) {
    const box = $("hops");
    clear(box);
    const rb = a.rejected_by;
    const orig = a.original && a.original.hops ? a.original.hops : [];
    const own = a.hops || [];
    if (!orig.length && !own.length) {
      box.appendChild(muted("No Received fields."));
      return;
    }
    if (orig.length) {
      box.appendChild(el("h3", null, `Returned original (${orig.length} ${plural(orig.length, "hop", "hops")}, oldest first)`));
      box.appendChild(hopTable(orig, rb, "original"));
    }
    if (own.length) {
      box.appendChild(el("h3", null, `${orig.length ? "This bounce" : "This message"} (${own.length} ${plural(own.length, "hop", "hops")}, oldest first)`));
      box.appendChild(hopTable(own, rb, "bounce"));
    }
  }

  // ---- causes -----------------------------------------------------------------
  async function copyText(text, button) {
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch (e) {
      ok = false;
    }
    if (!ok) {
      const ta = el("textarea", { class: "offscreen", readonly: true });
      ta.value = text;
      document.body.appendChild(ta);
      ta.select();
      try {
        ok = document.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      document.body.removeChild(ta);
    }
    const old = button.textContent;
    button.textContent = ok ? "Copied" : "Copy failed";
    setTimeout(() => (button.textContent = old), 1500);
  }

  function collectCauses(a) {
    if (Array.isArray(a.causes)) return a.causes;
    // Per-recipient lists, merged by id keeping the best score.
    const byId = new Map();
    for (const r of a.recipients || []) {
      if (!Array.isArray(r.causes)) continue;
      for (const c of r.causes) {
        const prev = byId.get(c.id);
        if (!prev || (c.score || 0) > (prev.score || 0)) byId.set(c.id, c);
      }
    }
    if (!byId.size && !(a.recipients || []).some((r) => Array.isArray(r.causes))) return null;
    return [...byId.values()].sort((x, y) => (y.score || 0) - (x.score || 0) || String(x.id).localeCompare(String(y.id)));
  }

  function renderCauses(a) {
    const box = $("causes");
    clear(box);
    const causes = collectCauses(a);
    if (causes === null) {
      box.appendChild(muted("This version of ndrscan has no cause catalogue: read the status, reason and server reply above."));
      return;
    }
    if (!causes.length) {
      const failing = (a.recipients || []).some((r) => r.action === "failed" || r.action === "delayed");
      box.appendChild(muted(failing ? "No catalogued cause matched this failure." : "Nothing failed, so there is no cause to rank."));
      return;
    }
    const list = el("ol", { class: "causes" });
    causes.forEach((c, i) => {
      const item = el("li", { class: "cause", "data-cause": c.id || null });
      item.appendChild(el("div", { class: "cause-head" },
        el("span", { class: "rank" }, String(c.rank || i + 1)),
        el("span", { class: "cause-title" }, c.title || c.id || "cause"),
        c.score !== undefined && c.score !== null ? el("span", { class: "score", title: "weight plus the points of the signals that held" }, `score ${c.score}`) : null));
      const meta = [c.reason ? "reason: " + c.reason : null, c.id ? c.id : null,
        Array.isArray(c.recipients) && c.recipients.length ? "for " + c.recipients.join(", ") : null].filter(Boolean).join(" · ");
      if (meta) item.appendChild(el("div", { class: "cause-meta" }, meta));
      if (c.summary) item.appendChild(el("p", null, c.summary));
      const ev = Array.isArray(c.evidence) ? c.evidence : c.evidence ? [c.evidence] : [];
      if (ev.length) item.appendChild(el("div", { class: "sub" }, el("h4", null, "Evidence"), el("ul", { class: "evidence" }, ev.map((e) => el("li", null, e)))));
      const steps = Array.isArray(c.steps) ? c.steps : [];
      if (steps.length) {
        const ol = el("ol", { class: "steps" });
        for (const s of steps) {
          const li = el("li", null, el("div", null, s.text || ""));
          if (s.command) {
            const btn = el("button", { type: "button", class: "copy", "aria-label": "Copy command" }, "Copy");
            btn.addEventListener("click", () => copyText(s.command, btn));
            li.appendChild(el("div", { class: "cmd" },
              el("div", { class: "cmd-head" }, el("span", null, s.shell || "command"), btn),
              el("pre", null, el("code", null, s.command))));
          } else if (s.shell) {
            li.appendChild(el("div", { class: "ip" }, "in: " + s.shell));
          }
          ol.appendChild(li);
        }
        item.appendChild(el("div", { class: "sub" }, el("h4", null, "What to do"), ol));
      }
      const refs = Array.isArray(c.refs) ? c.refs : [];
      if (refs.length) {
        item.appendChild(el("div", { class: "refs" }, "References: ",
          refs.map((r, k) => [k ? ", " : "", /^https:\/\//.test(r) ? el("a", { href: r, rel: "noreferrer noopener", target: "_blank" }, r) : r])));
      }
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  // ---- findings, diagnostics, message -------------------------------------------
  function renderFindings(a) {
    const box = $("findings");
    clear(box);
    const f = a.findings || [];
    const d = a.diagnostics || [];
    if (!f.length && !d.length) {
      box.appendChild(muted("None: the route looks ordinary and the input was read without repairs."));
      return;
    }
    const ul = el("ul", { class: "findings" });
    for (const x of f) {
      ul.appendChild(el("li", null, el("span", { class: `pill ${x.severity === "warn" ? "warn" : "muted"}` }, x.severity || "info"), " ",
        el("strong", null, x.id || ""), " ", x.message || "",
        x.hops && x.hops.length ? el("span", { class: "ip" }, ` (${x.chain === "original" ? "returned original" : "bounce"}, ${plural(x.hops.length, "hop", "hops")} ${x.hops.join(", ")})`) : null));
    }
    for (const x of d) {
      ul.appendChild(el("li", null, el("span", { class: `pill ${x.severity === "crit" ? "bad" : "warn"}` }, x.severity || "warn"), " ",
        code(x.code || ""), " ", x.message || "", x.offset !== null && x.offset !== undefined ? el("span", { class: "ip" }, ` (byte ${x.offset})`) : null));
    }
    box.appendChild(ul);
  }

  function renderMessage(a, text) {
    const box = $("message");
    clear(box);
    const dl = el("dl", { class: "kv" });
    const add = (k, v) => {
      if (v === null || v === undefined || v === "") return;
      dl.appendChild(el("dt", null, k));
      dl.appendChild(el("dd", null, String(v)));
    };
    add("Subject", a.subject);
    add("From", a.from);
    add("To", a.to);
    add("Date", formatTime(a.date));
    add("Message-ID", a.message_id);
    add("Kind", [a.input_kind, a.kind, a.is_report ? "delivery status report" : null, a.dialect ? "dialect " + a.dialect : null].filter(Boolean).join(", "));
    add("Generating server", a.generating_server);
    if (a.original) {
      add("Original subject", a.original.subject);
      add("Original from", a.original.from);
      add("Original to", a.original.to);
      add("Original date", formatTime(a.original.date));
    }
    const auth = (a.original && a.original.authentication) || a.authentication;
    if (auth) add("Authentication", ["spf", "dkim", "dmarc", "compauth"].filter((k) => auth[k]).map((k) => `${k}=${auth[k]}`).join(" ") || null);
    box.appendChild(dl);
    $("json").textContent = text;
  }

  function render(objects, text) {
    const a = objects[0];
    $("verdict-text").textContent = verdictSentence(a);
    const facts = $("verdict-facts");
    clear(facts);
    for (const [k, v] of verdictFacts(a)) facts.appendChild(el("li", null, el("span", { class: "k" }, k), " ", v));
    const failed = (a.recipients || []).some((r) => r.action === "failed");
    $("verdict").className = "card verdict " + (failed ? "failed" : (a.recipients || []).some((r) => r.action === "delayed") ? "delayed" : "neutral");
    const note = $("multi-note");
    note.hidden = objects.length < 2;
    note.textContent = objects.length > 1 ? `This input holds ${objects.length} messages; the page shows the first. ndrscan scan reads whole mailboxes.` : "";
    renderRoute(a);
    renderRecipients(a);
    renderCauses(a);
    renderHops(a);
    renderFindings(a);
    renderMessage(a, text);
    $("results").hidden = false;
  }

  // ---- submitting -----------------------------------------------------------------
  function setStatus(text, kind) {
    const s = $("status");
    s.textContent = text;
    s.className = "status" + (kind ? " " + kind : "");
  }

  async function analyze(body, label) {
    if (busy) return;
    const size = body instanceof Blob ? body.size : new Blob([body]).size;
    if (!size) {
      setStatus("Paste a bounce or drop a file first.", "error");
      return;
    }
    if (size > maxBody) {
      setStatus(`${label} is ${formatBytes(size)}: larger than the ${formatBytes(maxBody)} this server accepts.`, "error");
      return;
    }
    busy = true;
    $("analyze").disabled = true;
    setStatus(`Analysing ${label}…`);
    const t0 = performance.now();
    try {
      const res = await fetch("/api/analyze", {
        method: "POST",
        headers: { "Content-Type": body instanceof Blob ? "application/octet-stream" : "text/plain; charset=utf-8" },
        body,
      });
      const text = await res.text();
      if (!res.ok) {
        let msg = `HTTP ${res.status}`;
        try {
          msg = JSON.parse(text).error || msg;
        } catch (e) {
          /* not JSON */
        }
        setStatus(`Could not analyse ${label}: ${msg}`, "error");
        return;
      }
      const objects = text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
      render(objects, objects.length === 1 ? JSON.stringify(objects[0], null, 2) : text);
      $("paste").scrollTop = 0;
      setStatus(`Analysed ${label} (${formatBytes(size)}) in ${Math.round(performance.now() - t0)} ms.`, "ok");
      $("verdict").scrollIntoView({ block: "start", behavior: "smooth" });
    } catch (e) {
      setStatus(`Could not reach ndrscan serve: ${e.message}`, "error");
    } finally {
      busy = false;
      $("analyze").disabled = false;
    }
  }

  async function analyzeFile(file) {
    if (!file) return;
    if (file.size > maxBody) {
      setStatus(`${file.name} is ${formatBytes(file.size)}: larger than the ${formatBytes(maxBody)} this server accepts.`, "error");
      return;
    }
    // Show the text when it is small enough to read; the bytes are sent as they are.
    if (file.size <= 2 * 1024 * 1024) $("paste").value = await file.text();
    else $("paste").value = "";
    await analyze(file, file.name);
  }

  function init() {
    $("form").addEventListener("submit", (e) => {
      e.preventDefault();
      analyze($("paste").value, "the pasted text");
    });
    $("paste").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        analyze($("paste").value, "the pasted text");
      }
    });
    $("file").addEventListener("change", (e) => {
      analyzeFile(e.target.files[0]);
      e.target.value = "";
    });
    $("clear").addEventListener("click", () => {
      $("paste").value = "";
      $("results").hidden = true;
      setStatus("");
      $("paste").focus();
    });
    $("copy-json").addEventListener("click", (e) => copyText($("json").textContent, e.currentTarget));

    // The whole window takes a dropped file.
    let depth = 0;
    const hint = $("drop-hint");
    const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes("Files");
    window.addEventListener("dragenter", (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      hint.hidden = false;
    });
    window.addEventListener("dragleave", () => {
      depth = Math.max(0, depth - 1);
      if (!depth) hint.hidden = true;
    });
    window.addEventListener("dragover", (e) => {
      if (hasFiles(e)) e.preventDefault();
    });
    window.addEventListener("drop", (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      hint.hidden = true;
      analyzeFile(e.dataTransfer.files[0]);
    });

    fetch("/healthz")
      .then((r) => r.json())
      .then((h) => {
        if (h.max_body_bytes) maxBody = h.max_body_bytes;
        if (h.version) $("version").textContent = "ndrscan " + h.version;
      })
      .catch(() => {});
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
