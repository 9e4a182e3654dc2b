-- Does an edit made with the instruction carry to the plain prompt? For the first N test records of
-- TASK: edit with the instruction, then the rate at which each target token is the top-1 next token
-- (teacher-forced) on the instruction-rendered prompt and on the plain prompt (RESULTS.md, E1-E3 caveat).
--   instructedit Scripts/plain_prompt_check.lua [TASK=zsre] [N=40] [EDITOR=shipped InstructEdit]
local task, n = arg[1] or "zsre", tonumber(arg[2] or 40)
local m, ed = model.load(), editor.load(arg[3])
local ds = data.load(task, "test")
local function hit(prompt, target)
  local ids, tids = m:encode(prompt), m:encode(target)
  local ok = 0
  for i = 1, #tids do
    local ctx = m:decode(ids) .. m:decode({table.unpack(tids, 1, i - 1)})
    local top = m:topk(ctx, 1)[1]
    if top.id == tids[i] then ok = ok + 1 end
  end
  return ok / #tids
end
local r, p, p0 = 0, 0, 0
for i = 1, n do
  local rec = ds[i]
  p0 = p0 + hit(rec.prompt, rec.target)
  local e = ed:edit(m, {prompt = rec.prompt, target = rec.target, task = task, instruct = true})
  r = r + hit(templates.render(task, rec.prompt), rec.target)
  p = p + hit(rec.prompt, rec.target)
  e:undo()
end
print(string.format("%s n=%d  unedited plain %.1f  edited: instruction-rendered %.1f  plain %.1f", task, n, 100*p0/n, 100*r/n, 100*p/n))
