-- Reliability against Locality for editors trained with different locality settings (RESULTS.md,
-- "Locality: what moved the curve"). Reads `instructedit eval --json` files given as
-- LABEL=PATH@METHOD arguments: one point per task of the rows of METHOD in PATH; the point whose
-- LABEL --mark names is drawn as the chosen recipe; --plain plots Reliability on the plain edit
-- prompt (without the instruction) instead. Usage:
--   instructedit Scripts/plot_tradeoff.lua OUT "own, c_loc 1=runs/x/A.json@A-last" ... [--mark LABEL] [--title TEXT] [--plain]
-- writes OUT.svg and OUT.png.
local out = assert(arg[1], "usage: plot_tradeoff.lua OUT LABEL=PATH@METHOD ... [--mark LABEL]")
local mark, title = nil, "Reliability against Locality (val split, n = 50 per task)"
local plain = false
for j = 2, #arg do
  if arg[j] == "--mark" then mark = arg[j + 1] elseif arg[j] == "--title" then title = arg[j + 1]
  elseif arg[j] == "--plain" then plain = true end
end
local key = plain and "reliability_plain" or "reliability"
local xs, ys, groups, names = {}, {}, {}, {}
local i = 2
while arg[i] do
  if arg[i] == "--mark" or arg[i] == "--title" then i = i + 2
  elseif arg[i] == "--plain" then i = i + 1
  else
    local label, path, method = arg[i]:match("^(.-)=(.+)@(.+)$")
    assert(label, "expected LABEL=PATH@METHOD, got " .. arg[i])
    for _, r in ipairs(eval.read(path)) do
      if r[key] and r.locality and r.method == method then
        xs[#xs + 1] = r.locality
        ys[#ys + 1] = r[key]
        groups[#groups + 1] = r.task .. (label == mark and " (chosen recipe)" or "")
        names[#names + 1] = label
      end
    end
    i = i + 1
  end
end
plot.scatter{x = xs, y = ys, labels = groups, point_labels = names, size = 6,
             title = title,
             xlabel = "Locality", ylabel = plain and "Reliability on the plain prompt" or "Reliability",
             xlim = {45, 100}, ylim = plain and {0, 100} or {60, 100}, path = out}
print("wrote " .. out .. ".svg and .png")
