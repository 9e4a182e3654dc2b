-- Where in a long answer an edit fails: after each edit of a task's val split, the share of target
-- positions (teacher-forced) whose top next token is the target's, for targets of three tokens or
-- more, and where each missed target's first wrong token is. The edit and the scoring use the same
-- prompt, rendered with the task's first instruction description.
--   instructedit Scripts/reliability_by_position.lua TASK [EDITOR]   (default: the shipped InstructEdit)
local task = arg[1] or error("usage: reliability_by_position.lua TASK [EDITOR]", 0)
local records = data.load(task, "val")   -- before the model: a wrong task name fails at once
local m = model.load()
local ed = arg[2] and editor.load(arg[2], m) or editor.load()
local last = 6   -- positions from here on are pooled

local right, total, firstMiss, scored = {}, {}, {}, 0
for _, r in ipairs(records) do
  local target = m:encode(" " .. r.target)
  if #target >= 3 then
    scored = scored + 1
    local prompt = templates.render(task, r.prompt, {index = 1})
    local e = ed:edit(m, {prompt = prompt, target = " " .. r.target, task = task, instruct = false})
    local ids = m:encode(prompt)
    local promptLength = #ids
    for _, id in ipairs(target) do ids[#ids + 1] = id end
    local logits = m:logits(ids)
    local missed = false
    for j, id in ipairs(target) do
      local _, best = logits[promptLength + j - 1]:topk(1)
      local p = math.min(j, last)
      total[p] = (total[p] or 0) + 1
      if math.floor(best[1]) - 1 == id then         -- topk's indices are 1-based, token ids 0-based
        right[p] = (right[p] or 0) + 1
      elseif not missed then
        missed = true
        firstMiss[p] = (firstMiss[p] or 0) + 1
      end
    end
    e:undo()
  end
end

print(string.format("%s val, %d records with targets of 3 tokens or more", task, scored))
print("| target position | positions | top token right | first miss of a target here |\n|---|---:|---:|---:|")
for p = 1, last do
  if total[p] then
    print(string.format("| %s | %d | %.1f%% | %d |", p == last and last .. " or later" or p, total[p],
                        100 * (right[p] or 0) / total[p], firstMiss[p] or 0))
  end
end
