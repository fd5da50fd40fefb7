/// A self-contained HTML page (no network: inline CSS, JavaScript and SVG)
/// that steps through an explanation, for projecting in a lecture.
///
/// Every step is a `<section>`, so without JavaScript the page is one long
/// document with a table of contents. With JavaScript one step shows at a
/// time: Previous/Next buttons, the arrow keys (also Page Up/Down, space,
/// Home/End), a "Step i of N" counter, and the URL fragment `#step=i`, which
/// the page honours on load and keeps up to date, so a step can be linked to
/// and the browser's back button walks back through the steps. The summary
/// is the last step.
public enum ExplanationHTML {
    public static func render(_ e: Explanation) -> String {
        var sections: [String] = []
        var titles: [String] = []
        let anyStepSVG = e.steps.contains { $0.svg != nil }
        for step in e.steps {
            titles.append(step.title)
            var body = ""
            if !step.text.isEmpty {
                body += step.text.split(separator: "\n", omittingEmptySubsequences: true)
                    .map { "<p>\(escape(String($0)))</p>" }.joined()
            }
            if let svg = step.svg { body += "<figure class=\"picture\">\(svg)</figure>" }
            if let lines = step.lines {
                let pre = "<pre>\(escape(lines.joined(separator: "\n")))</pre>"
                // Beside a picture, the text drawing of the same thing folds away.
                body += step.svg == nil ? pre : "<details><summary>as text</summary>\(pre)</details>"
            }
            if let table = step.table { body += render(table) }
            sections.append(body)
        }
        if let picture = e.picture, !anyStepSVG {
            titles.append("Picture")
            sections.append("<figure class=\"picture\">\(picture)</figure>")
        }
        if !e.summary.isEmpty {
            titles.append("Summary")
            var t = "<table class=\"facts\"><tbody>"
            for f in e.summary { t += "<tr><th scope=\"row\">\(escape(f.name))</th><td>\(escape(f.value))</td></tr>" }
            sections.append(t + "</tbody></table>")
        }
        let total = sections.count
        var html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(e.title)) — squeeze explain</title>
        <style>\(css)</style>
        </head>
        <body>
        <header>
        <h1>\(escape(e.title))</h1>
        <p class="input">input: <code>\(escape(e.input.shown))</code> (\(e.input.count) symbol\(e.input.count == 1 ? "" : "s")\(e.input.summarised ? "; later steps summarise" : ""))</p>
        <nav class="controls" aria-label="steps">
        <button type="button" id="prev" aria-label="previous step">◀ Previous</button>
        <span id="counter" aria-live="polite">\(total) steps</span>
        <button type="button" id="next" aria-label="next step">Next ▶</button>
        <button type="button" id="all" aria-pressed="false">All steps</button>
        </nav>
        </header>
        <main>
        <ol class="toc">
        """
        for (i, t) in titles.enumerated() { html += "<li><a href=\"#step-\(i + 1)\">\(escape(t))</a></li>" }
        html += "</ol>\n"
        for (i, body) in sections.enumerated() {
            html += "<section class=\"step\" id=\"step-\(i + 1)\" data-step=\"\(i + 1)\" aria-labelledby=\"h-\(i + 1)\">"
            html += "<h2 id=\"h-\(i + 1)\"><span class=\"num\">\(i + 1)/\(total)</span> \(escape(titles[i]))</h2>\(body)</section>\n"
        }
        html += """
        </main>
        <footer>squeeze explain \(escape(e.algorithm)) · ← → or the buttons to move · #step=N links to a step</footer>
        <script>\(script)</script>
        </body>
        </html>

        """
        return html
    }

    static func render(_ t: Explanation.Table) -> String {
        var s = "<div class=\"table\"><table><thead><tr>"
        for (i, c) in t.columns.enumerated() {
            s += "<th\(i < t.alignRight.count && t.alignRight[i] ? " class=\"r\"" : "")>\(escape(c))</th>"
        }
        s += "</tr></thead><tbody>"
        for row in t.rows {
            s += "<tr>"
            for i in 0..<t.columns.count {
                let cell = i < row.count ? row[i] : ""
                s += "<td\(i < t.alignRight.count && t.alignRight[i] ? " class=\"r\"" : "")>\(escape(cell))</td>"
            }
            s += "</tr>"
        }
        return s + "</tbody></table></div>"
    }

    static let css = """
    :root{--fg:#1b1d24;--bg:#fdfdfb;--accent:#2456a6;--muted:#5b6070;--rule:#d7d9e0}
    *{box-sizing:border-box}
    body{margin:0;font:clamp(17px,1.6vw,26px)/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
    header{position:sticky;top:0;background:var(--bg);border-bottom:2px solid var(--rule);padding:.5em 1.2em;z-index:1}
    h1{font-size:1.35em;margin:.1em 0}
    .input{margin:.2em 0;color:var(--muted)}
    code,pre,td,th{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace}
    .controls{display:flex;gap:.6em;align-items:center;margin:.3em 0}
    button{font:inherit;font-size:.9em;padding:.25em .8em;border:2px solid var(--accent);border-radius:.4em;background:#fff;color:var(--accent);cursor:pointer}
    button:disabled{opacity:.35;cursor:default}
    button[aria-pressed=true]{background:var(--accent);color:#fff}
    #counter{min-width:8em;text-align:center;font-weight:600}
    main{padding:0 1.2em 2em}
    .step{border-bottom:1px solid var(--rule);padding:.6em 0 1.2em}
    h2{font-size:1.2em;color:var(--accent);margin:.4em 0}
    h2 .num{color:var(--muted);font-size:.7em;font-weight:400;margin-right:.4em}
    p{max-width:60em}
    pre{background:#f2f3f6;padding:.6em .9em;border-radius:.3em;overflow-x:auto;font-size:.85em;line-height:1.3}
    .table{overflow-x:auto}
    table{border-collapse:collapse;font-size:.8em;margin:.4em 0}
    th,td{padding:.15em .7em;border-bottom:1px solid var(--rule);text-align:left;white-space:nowrap}
    th{background:#eef1f7}
    .r{text-align:right}
    .facts th{font-family:inherit;background:none;font-weight:600}
    figure.picture{margin:.5em 0;overflow-x:auto}
    figure.picture svg{max-width:100%;height:auto}
    details summary{color:var(--muted);cursor:pointer}
    footer{color:var(--muted);font-size:.7em;padding:1em 1.2em}
    .toc{columns:2;font-size:.85em}
    body.js .toc{display:none}
    body.js .step{display:none;border:0}
    body.js .step.current{display:block}
    body.js.all .step{display:block;border-bottom:1px solid var(--rule)}
    body:not(.js) .controls{display:none}
    """

    static let script = """
    (function(){
      var steps=[].slice.call(document.querySelectorAll("section.step"));
      var n=steps.length,cur=1,body=document.body;
      var counter=document.getElementById("counter"),prev=document.getElementById("prev"),next=document.getElementById("next"),all=document.getElementById("all");
      body.classList.add("js");
      function fromHash(){var m=/step[=-](\\d+)/.exec(location.hash);return m?Math.min(Math.max(parseInt(m[1],10),1),n):1;}
      function show(i,push){
        cur=Math.min(Math.max(i,1),n);
        steps.forEach(function(s,k){s.classList.toggle("current",k===cur-1);});
        counter.textContent="Step "+cur+" of "+n;
        prev.disabled=cur===1;next.disabled=cur===n;
        var h="#step="+cur;
        if(push&&location.hash!==h){history.pushState(null,"",h);}
        if(!body.classList.contains("all")){window.scrollTo(0,0);}
      }
      prev.addEventListener("click",function(){show(cur-1,true);});
      next.addEventListener("click",function(){show(cur+1,true);});
      all.addEventListener("click",function(){var on=body.classList.toggle("all");all.setAttribute("aria-pressed",on?"true":"false");});
      document.addEventListener("keydown",function(e){
        if(e.altKey||e.ctrlKey||e.metaKey)return;
        var k=e.key;
        if(k==="ArrowRight"||k==="PageDown"||(k===" "&&!e.shiftKey)){show(cur+1,true);e.preventDefault();}
        else if(k==="ArrowLeft"||k==="PageUp"||(k===" "&&e.shiftKey)){show(cur-1,true);e.preventDefault();}
        else if(k==="Home"){show(1,true);e.preventDefault();}
        else if(k==="End"){show(n,true);e.preventDefault();}
      });
      // Pictures grow to fill the screen (up to 1.8×) without scrolling, for a projector.
      function fit(){
        [].slice.call(document.querySelectorAll("figure.picture svg")).forEach(function(svg){
          var vb=svg.viewBox&&svg.viewBox.baseVal;if(!vb||!vb.width)return;
          var room=document.querySelector("main").clientWidth-8;
          var k=Math.min(1.8,room/vb.width,Math.max(0.3,0.55*window.innerHeight/vb.height));
          svg.setAttribute("width",Math.round(vb.width*k));svg.setAttribute("height",Math.round(vb.height*k));
        });
      }
      fit();window.addEventListener("resize",fit);
      window.addEventListener("hashchange",function(){show(fromHash(),false);});
      window.addEventListener("popstate",function(){show(fromHash(),false);});
      show(fromHash(),false);
    })();
    """

    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
