-- Which edits an editor misses: per-record Reliability on a task's val split, grouped by the
-- target's length in tokens and by the unedited model's log-probability of the target.
--   instructedit Scripts/reliability_by_target.lua TASK [EDITOR]   (default: the shipped InstructEdit)
local task = arg[1] or error("usage: reliability_by_target.lua TASK [EDITOR]", 0)
local records = data.load(task, "val")   -- before the model: a wrong task name fails at once
local m = model.load()
local ed = arg[2] and editor.load(arg[2], m) or editor.load()

local function tally(groups, key, rel)
  local g = groups[key] or {n = 0, sum = 0, all = 0}
  g.n, g.sum = g.n + 1, g.sum + rel
  if rel >= 99.995 then g.all = g.all + 1 end
  groups[key] = g
end
local byLength, byPrior = {}, {}
local priorBins = {{-5, "above -5"}, {-10, "-10 to -5"}, {-20, "-20 to -10"}, {-math.huge, "below -20"}}
for _, r in ipairs(records) do
  local rel = eval.run(m, ed, {r}, {n = 1, instruct = true, quiet = true}).reliability
  local target = " " .. r.target   -- as edits and scores see it: a continuation of the prompt
  tally(byLength, math.min(#m:encode(target), 5), rel)
  local lp = m:logprob(r.prompt, target)
  for _, bin in ipairs(priorBins) do
    if lp > bin[1] then tally(byPrior, bin[2], rel); break end
  end
end

print(string.format("%s val, %d records", task, #records))
print("| target tokens | records | mean Reliability | every token right |\n|---|---:|---:|---:|")
for k = 1, 5 do
  local g = byLength[k]
  if g then print(string.format("| %s | %d | %.1f | %d |", k == 5 and "5 or more" or k, g.n, g.sum / g.n, g.all)) end
end
print("\n| unedited log p(target) | records | mean Reliability |\n|---|---:|---:|")
for _, bin in ipairs(priorBins) do
  local g = byPrior[bin[2]]
  if g then print(string.format("| %s | %d | %.1f |", bin[2], g.n, g.sum / g.n)) end
end
