-- Median wall time of one MEND edit (untrained editor, rank 576: what `bench` times as edit_ms,
-- without the undo), over N edits after three warm-up edits. Each edit is undone before the next,
-- so its snapshot buffers are recycled.
--   instructedit Scripts/bench/edit_latency.lua [N=20]
-- With `perf stat -e page-faults` in front, two values of N show whether edits still fault.
local n = tonumber(arg and arg[1]) or 20
local m = model.load()
local ed = editor.mend(m)
local request = {prompt = "The Eiffel Tower is located in the city", target = " Rome, Italy"}
for _ = 1, 3 do ed:edit(m, request):undo() end
local ms = {}
for i = 1, n do
  local e = ed:edit(m, request)
  ms[i] = e.seconds * 1000
  e:undo()
end
table.sort(ms)
print(string.format("edits %d  median %.1f ms  min %.1f ms", n, ms[(n + 1) // 2], ms[1]))
