-- %% [markdown]
-- # Evaluating an editor on a task
--
-- Single-edit evaluation (INSTRUCTEDIT.md, Metrics): every test record is edited into the model,
-- scored and undone, so each sees the base model. Scores are ×100:
-- **reliability** (the target on the edited prompt), **generalization** (on rephrasings),
-- **locality** (unrelated prompts keep their answers) and **portability** (consequences of the edit).
--
-- Settings from the environment: `INSTRUCTEDIT_MODEL` (default model otherwise),
-- `INSTRUCTEDIT_EDITOR` (a meta-trained checkpoint; the FT-L baseline otherwise),
-- `INSTRUCTEDIT_TASK` (default counterfact) and `INSTRUCTEDIT_N` (records, default 50).

-- %%
m = model.load()
task = os.getenv("INSTRUCTEDIT_TASK") or "counterfact"
n = tonumber(os.getenv("INSTRUCTEDIT_N") or "") or 50
editor_path = os.getenv("INSTRUCTEDIT_EDITOR")
if editor_path and editor_path ~= "" then
  ed = editor.load(editor_path, m)
else
  print("no $INSTRUCTEDIT_EDITOR: evaluating the FT-L baseline")
  ed = editor.ft({steps = 10})
end
print(m)
print(ed)

-- %% [markdown]
-- ## The test set
-- The first records of the task's test split, and what one record holds.

-- %%
ds = data.load(task, "test", {limit = n})
r = ds[1]
print(#ds .. " records of " .. task .. "/test")
print("prompt:  " .. r.prompt)
print("target:  " .. r.target)
if r.rephrases and r.rephrases[1] then print("rephrase: " .. r.rephrases[1]) end
if r.locality and r.locality[1] then print("locality: " .. r.locality[1].prompt .. " -> " .. r.locality[1].answer) end

-- %% [markdown]
-- ## Scores
-- The unedited model is the floor for reliability; the editor is run with instructions (seen
-- descriptions) and with held-out ("unseen") descriptions.

-- %%
base = eval.run(m, nil, ds, {n = n})
seen = eval.run(m, ed, ds, {n = n, instruct = true})
unseen = eval.run(m, ed, ds, {n = n, instruct = true, unseen = true})
print(eval.table(base, seen, unseen))

-- %%
metrics = {"reliability", "generalization", "locality", "portability"}
groups = {}
for _, entry in ipairs({{"unedited", base}, {ed.method .. " (seen)", seen}, {ed.method .. " (unseen)", unseen}}) do
  local values = {}
  for i, k in ipairs(metrics) do values[i] = entry[2][k] or 0 end
  groups[#groups + 1] = {name = entry[1], values = values}
end
plot.bar({labels = metrics, groups = groups, title = task .. ": " .. n .. " single edits",
          ylabel = "score (x100)"});
