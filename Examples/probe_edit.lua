-- %% [markdown]
-- # Where does an edit act? A logit-lens probe across layers
--
-- The logit lens reads the residual stream after each block through the model's final norm and
-- output head, as if the model stopped there. Before and after an edit (France's capital → Rome)
-- we follow the log-probability of the old answer " Paris" and the new one " Rome" at the last
-- position of the prompt, layer by layer (for an answer of several tokens, its first token), and
-- the rank of " Rome" among all tokens. The edit changes MLPs of the last blocks only, so the
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
-- The logit lens gives the whole next-token distribution read from the residual stream after
-- `layer` blocks (0 = the embeddings); we pick out the first token of each answer, with its rank.
first_id = {old = m:encode(old)[1], new = m:encode(new)[1]}
function lens_curves()
  local curve = {old = {}, new = {}, old_rank = {}, new_rank = {}}
  for layer = 0, layers do
    for rank, t in ipairs(m:lens(prompt, layer, m.config.vocab)) do
      for _, which in ipairs({"old", "new"}) do
        if t.id == first_id[which] then
          curve[which][layer + 1], curve[which .. "_rank"][layer + 1] = t.logprob, rank
        end
      end
    end
  end
  return curve
end

before = lens_curves()
-- A meta-trained editor reads the task instruction; FT-L edits the plain prompt we probe.
e = ed:edit(m, {prompt = prompt, target = new, task = "counterfact", instruct = ed.method == "mend"})
after = lens_curves()
e:undo()
print(e)

-- %% [markdown]
-- ## Layer by layer

-- %%
x = {}
for layer = 0, layers do x[layer + 1] = layer end
plot.line({series = {
             {name = "Paris, before", x = x, y = before.old},
             {name = "Rome, before", x = x, y = before.new},
             {name = "Paris, after", x = x, y = after.old},
             {name = "Rome, after", x = x, y = after.new}},
           title = "Logit lens at the last position of '" .. prompt .. "'",
           xlabel = "layer", ylabel = "log-probability"});
print(string.format("%5s %12s %12s %12s %12s %10s %10s", "layer", "Paris pre", "Paris post", "Rome pre",
                    "Rome post", "rank pre", "rank post"))
for i, layer in ipairs(x) do
  print(string.format("%5d %12.3f %12.3f %12.3f %12.3f %10d %10d", layer, before.old[i], after.old[i],
                      before.new[i], after.new[i], before.new_rank[i], after.new_rank[i]))
end

-- %% [markdown]
-- ## The change, as a heatmap
-- Rows: the two answers; columns: layers; cells: log-probability after minus before.

-- %%
grid = {{}, {}}
for i = 1, #x do
  grid[1][i] = after.old[i] - before.old[i]
  grid[2][i] = after.new[i] - before.new[i]
end
plot.heatmap({data = grid, rows = {"Paris", "Rome"}, cols = x, title = "Change in log-probability from the edit",
              xlabel = "layer"});
first = nil
for i, layer in ipairs(x) do
  if first == nil and math.abs(grid[2][i]) > 1e-4 then first = layer end
end
print("the edit first shows at layer " .. tostring(first) .. " of " .. layers)
