-- %% [markdown]
-- # E6: do the editing directions separate by task?
--
-- The paper's explanation of why instructions help: with instructions, the editor's updates for
-- different tasks point in different directions, so one editor can serve several tasks without
-- them interfering. For `n` test edits per task we take the editor's pseudo-gradient ∇̃W of one
-- inner weight (the down projection of the last block), flatten it, project all of them on their
-- first two principal components, and colour the points by task. The silhouette score (−1..1)
-- says how well the tasks separate: near 1 separate clusters, near 0 mixed.
--
-- "With instructions" uses the editor trained with instructions (`e1-instruct`) on instructed
-- inputs; "without" the editor trained without (`e1-no-instruct`) on plain inputs. A third
-- setting, the instruction-trained editor on plain inputs, separates the effect of the instruction
-- text from that of the training. Settings from
-- the environment: `INSTRUCTEDIT_RUNS` (folder with `e1-instruct/last.ckpt` and
-- `e1-no-instruct/last.ckpt`; an untrained MEND editor stands in for a missing one),
-- `INSTRUCTEDIT_N` (edits per task, default 20), `INSTRUCTEDIT_MODEL`.

-- %%
m = model.load()
n = tonumber(os.getenv("INSTRUCTEDIT_N") or "") or 20
runs = os.getenv("INSTRUCTEDIT_RUNS") or "runs"
tasks = {"counterfact", "recent", "convsent"}
weight = string.format("model.layers.%d.mlp.down_proj.weight", m.config.layers - 1)
print(m)
print("inner weight: " .. weight)

function run_editor(name)
  local path = runs .. "/" .. name .. "/last.ckpt"
  local file = io.open(path, "rb")
  if file then
    file:close()
    return editor.load(path, m), name
  end
  print(string.format("%s: no checkpoint at %s; an untrained (identity) MEND editor stands in", name, path))
  return editor.mend(m), name .. " (untrained stand-in)"
end

settings = {}
for _, s in ipairs({{name = "e1-instruct", instruct = true}, {name = "e1-no-instruct", instruct = false},
                    {name = "e1-instruct", instruct = false}}) do
  local ed, label = run_editor(s.name)
  settings[#settings + 1] = {editor = ed, label = label, instruct = s.instruct}
end

-- %% [markdown]
-- ## The directions
-- One pseudo-gradient per test edit, scaled to unit length so that the analysis compares
-- directions, not sizes.

-- %%
records = {}
for _, task in ipairs(tasks) do
  for _, r in ipairs(data.load(task, "test", {limit = n})) do records[#records + 1] = r end
end

t0 = sys.clock()
for _, s in ipairs(settings) do
  s.directions, s.labels = {}, {}
  for i, r in ipairs(records) do
    local d = s.editor:direction(m, data.request(r, {instruct = s.instruct}), weight)
    s.directions[i] = d / d:norm()
    s.labels[i] = r.task
  end
end
print(string.format("%d directions of %d values each, %.1f s", #settings * #records,
                    settings[1].directions[1]:numel(), sys.clock() - t0))

-- %% [markdown]
-- ## Principal components, coloured by task

-- %%
for _, s in ipairs(settings) do
  local p = analysis.pca(s.directions, 2)
  s.pca = p
  s.silhouette_2d = analysis.silhouette(p.coords, s.labels)
  s.silhouette_full = analysis.silhouette(s.directions, s.labels)
  local title = string.format("%s, %s instructions: silhouette %.2f", s.label,
                              s.instruct and "with" or "without", s.silhouette_2d)
  plot.scatter({x = p.coords:select(2, 1), y = p.coords:select(2, 2), labels = s.labels, title = title,
                xlabel = string.format("PC1 (%.0f%%)", 100 * p.explained_variance_ratio[1]),
                ylabel = string.format("PC2 (%.0f%%)", 100 * p.explained_variance_ratio[2])})
end

-- %% [markdown]
-- ## Separation scores
-- Silhouette of the task labels in the plane of the first two components, and in the full space
-- of directions.

-- %%
print("| setting | silhouette (2 PCs) | silhouette (all) | PC1 + PC2 variance |")
print("|---|---|---|---|")
for _, s in ipairs(settings) do
  local ratio = s.pca.explained_variance_ratio
  print(string.format("| %s, %s instructions | %.3f | %.3f | %.1f%% |", s.label,
                      s.instruct and "with" or "without", s.silhouette_2d, s.silhouette_full,
                      100 * (ratio[1] + ratio[2])))
end
