-- %% [markdown]
-- # Where does an edit act? A logit-lens probe across layers
--
-- The logit lens reads the residual stream after each block through the model's final norm and
-- output head, as if the model stopped there. Before and after an edit (France's capital → Rome)
-- we follow the log-probability of the old answer " Paris" and the new one " Rome" at the last
-- position of the prompt, layer by layer. The edit changes MLPs of the last blocks only, so the
-- curves must agree below them and part where the edited blocks begin.
--
-- Settings from the environment: `INSTRUCTEDIT_MODEL`, `INSTRUCTEDIT_EDITOR` (a meta-trained
-- checkpoint; the FT-L baseline otherwise).

-- %%
m = model.load()
editor_path = os.getenv("INSTRUCTEDIT_EDITOR")
if editor_path and editor_path ~= "" then
  ed = editor.load(editor_path, m)
else
  print("no $INSTRUCTEDIT_EDITOR: using the FT-L baseline")
  ed = editor.ft({steps = 10})
end
prompt, old, new = "The capital of France is", " Paris", " Rome"
layers = m.config.layers
print(m)
print(ed)

-- %%
-- Log-probabilities of `old` and `new` at the last position, read from every layer's residual.
function lens_curves()
  local curve = {old = {}, new = {}}
  for layer = 1, layers do
    local lp = m:lens(prompt, layer, {tokens = {old, new}})
    curve.old[layer], curve.new[layer] = lp[1], lp[2]
  end
  return curve
end

before = lens_curves()
e = ed:edit(m, {prompt = prompt, target = new, task = "counterfact", instruct = true})
after = lens_curves()
e:undo()
print(e)

-- %% [markdown]
-- ## Layer by layer

-- %%
x = {}
for layer = 1, layers do x[layer] = layer end
plot.line({series = {
             {name = "Paris, before", x = x, y = before.old},
             {name = "Rome, before", x = x, y = before.new},
             {name = "Paris, after", x = x, y = after.old},
             {name = "Rome, after", x = x, y = after.new}},
           title = "Logit lens at the last position of '" .. prompt .. "'",
           xlabel = "layer", ylabel = "log-probability"});
print(string.format("%5s %12s %12s %12s %12s", "layer", "Paris pre", "Paris post", "Rome pre", "Rome post"))
for layer = 1, layers do
  print(string.format("%5d %12.3f %12.3f %12.3f %12.3f", layer, before.old[layer], after.old[layer],
                      before.new[layer], after.new[layer]))
end

-- %% [markdown]
-- ## The change, as a heatmap
-- Rows: the two answers; columns: layers; cells: log-probability after minus before.

-- %%
grid = {{}, {}}
for layer = 1, layers do
  grid[1][layer] = after.old[layer] - before.old[layer]
  grid[2][layer] = after.new[layer] - before.new[layer]
end
plot.heatmap({data = grid, rows = {"Paris", "Rome"}, cols = x, title = "Change in log-probability from the edit",
              xlabel = "layer"});
first = nil
for layer = 1, layers do
  if first == nil and math.abs(grid[2][layer]) > 1e-4 then first = layer end
end
print("the edit first shows at layer " .. tostring(first) .. " of " .. layers)
