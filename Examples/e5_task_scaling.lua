-- %% [markdown]
-- # E5: task scaling, measured on the held-out task
--
-- Editors meta-trained with instructions on 1, 2 and 3 tasks (counterfact; counterfact + recent;
-- counterfact + recent + convsent), evaluated on ZsRE, a task none of them saw. The paper's claim:
-- more, and more diverse, training tasks give better held-out results. Baselines: the unedited
-- model, FT-L, and the 3-task editor trained without instructions.
--
-- Settings from the environment: `INSTRUCTEDIT_RUNS` (a folder with `e4-counterfact/`,
-- `e5-cf-recent/`, `e1-instruct/`, `e1-no-instruct/`, each holding `last.ckpt`),
-- `INSTRUCTEDIT_N` (ZsRE test records, default 20), `INSTRUCTEDIT_MODEL`.

-- %%
m = model.load()
n = tonumber(os.getenv("INSTRUCTEDIT_N") or "") or 20
runs = os.getenv("INSTRUCTEDIT_RUNS") or "runs"
print(m)

ft = editor.ft({steps = 10})
function run_editor(name)
  local path = runs .. "/" .. name .. "/last.ckpt"
  local file = io.open(path, "rb")
  if file then
    file:close()
    return editor.load(path, m), name
  end
  print(string.format("%s: no checkpoint at %s; FT-L stands in", name, path))
  return ft, name .. " (FT-L stand-in)"
end

ladder = {}
for k, name in ipairs({"e4-counterfact", "e5-cf-recent", "e1-instruct"}) do
  local ed, label = run_editor(name)
  ladder[k] = {tasks = k, label = label, editor = ed}
end
no_instruct, no_instruct_label = run_editor("e1-no-instruct")

-- %% [markdown]
-- ## Held-out ZsRE
-- ZsRE's descriptions were never used in training, so every instruction here is unseen.

-- %%
zsre = data.load("zsre", "test", {limit = n})
print(#zsre .. " ZsRE test records; e.g. " .. zsre[1].prompt .. " -> " .. zsre[1].target)
-- Baselines on plain prompts (as in E1); the instruction-trained editors with instructions.
base = eval.run(m, nil, zsre, {n = n, instruct = false, name = "unedited"})
ft_result = eval.run(m, ft, zsre, {n = n, instruct = false, name = "FT-L"})
cache = {}
for _, step in ipairs(ladder) do
  local label = string.format("%d task%s: %s", step.tasks, step.tasks > 1 and "s" or "", step.label)
  cache[step.editor] = cache[step.editor] or eval.run(m, step.editor, zsre, {n = n, instruct = true, name = label})
  step.result = cache[step.editor]
end
plain = no_instruct == ft and ft_result
  or eval.run(m, no_instruct, zsre, {n = n, instruct = false, name = "3 tasks, no instructions: " .. no_instruct_label})
print(eval.table(base, ft_result, plain, ladder[1].result, ladder[2].result, ladder[3].result))

-- %% [markdown]
-- ## Scores against the number of training tasks

-- %%
metrics = {"reliability", "generalization", "portability"}
series = {}
for _, metric in ipairs(metrics) do
  local x, y = {}, {}
  for k, step in ipairs(ladder) do x[k], y[k] = step.tasks, step.result[metric] or 0 end
  series[#series + 1] = {name = metric, x = x, y = y}
end
series[#series + 1] = {name = "unedited reliability", x = {1, 3}, y = {base.reliability, base.reliability}}
plot.line({series = series, title = "E5: held-out ZsRE vs training tasks (n = " .. n .. ")",
           xlabel = "training tasks", ylabel = "score (x100)"});
print(string.format("%-14s %8s %8s %8s", "tasks", table.unpack(metrics)))
for _, step in ipairs(ladder) do
  print(string.format("%-14d %8.1f %8.1f %8.1f", step.tasks, step.result.reliability or 0,
                      step.result.generalization or 0, step.result.portability or 0))
end
