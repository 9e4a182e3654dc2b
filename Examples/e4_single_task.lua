-- %% [markdown]
-- # E4: single-task editors across tasks
--
-- One MEND editor meta-trained (with instructions) on each training task alone, each evaluated on
-- the test set of every task. The diagonal is "trained on this task"; the paper's point is that
-- single-task editors transfer poorly off the diagonal, while one editor trained on all three
-- tasks with instructions (InstructEdit, the last row) does well everywhere.
--
-- Settings from the environment: `INSTRUCTEDIT_RUNS` (a folder with `e4-counterfact/`,
-- `e4-recent/`, `e4-convsent/`, `e1-instruct/`, each holding `last.ckpt`, as written by
-- `instructedit train`), `INSTRUCTEDIT_N` (test records per task, default 20),
-- `INSTRUCTEDIT_MODEL` (default model otherwise).

-- %%
m = model.load()
n = tonumber(os.getenv("INSTRUCTEDIT_N") or "") or 20
runs = os.getenv("INSTRUCTEDIT_RUNS") or "runs"
tasks = {"counterfact", "recent", "convsent"}
print(m)

-- An editor from runs/<name>/last.ckpt, or the FT-L baseline standing in for it (said aloud).
stand_in = nil
function run_editor(name)
  local path = runs .. "/" .. name .. "/last.ckpt"
  local file = io.open(path, "rb")
  if file then
    file:close()
    return editor.load(path, m), name
  end
  print(string.format("%s: no checkpoint at %s; FT-L stands in", name, path))
  stand_in = stand_in or editor.ft({steps = 10})
  return stand_in, name .. " (FT-L stand-in)"
end

rows = {}
for _, name in ipairs({"e4-counterfact", "e4-recent", "e4-convsent", "e1-instruct"}) do
  local ed, label = run_editor(name)
  rows[#rows + 1] = {label = label, editor = ed}
end

-- %% [markdown]
-- ## Evaluation
-- Every editor on every task's first `n` test records, with instructions. A stand-in editor is
-- evaluated once per task and its scores reused.

-- %%
sets = {}
for _, task in ipairs(tasks) do sets[task] = data.load(task, "test", {limit = n}) end
cache = {}
results = {}
for i, row in ipairs(rows) do
  results[i] = {}
  for j, task in ipairs(tasks) do
    cache[row.editor] = cache[row.editor] or {}
    cache[row.editor][task] = cache[row.editor][task] or eval.run(m, row.editor, sets[task], {n = n, instruct = true, name = row.label})
    results[i][j] = cache[row.editor][task]
  end
end
for j, task in ipairs(tasks) do
  local column = {}
  for i = 1, #rows do column[i] = results[i][j] end
  print("### " .. task .. "\n")
  print(eval.table(table.unpack(column)))
end

-- %% [markdown]
-- ## Reliability and generalization, editor × task

-- %%
row_labels = {}
for i, row in ipairs(rows) do row_labels[i] = row.label end
for _, metric in ipairs({"reliability", "generalization"}) do
  local grid = {}
  print(string.format("%-32s %12s %12s %12s", metric, table.unpack(tasks)))
  for i = 1, #rows do
    grid[i] = {}
    for j = 1, #tasks do grid[i][j] = results[i][j][metric] or 0 end
    print(string.format("%-32s %12.1f %12.1f %12.1f", row_labels[i], table.unpack(grid[i])))
  end
  plot.heatmap({data = grid, rows = row_labels, cols = tasks, title = "E4 " .. metric .. " (x100), n = " .. n})
end
