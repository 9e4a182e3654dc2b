-- %% [markdown]
-- # Quickstart: load a model, ask it, edit a fact, probe the edit, undo it
--
-- Run with `instructedit notebook Examples/quickstart.lua -o quickstart.md`. It uses the default
-- model (SmolLM2-135M-Instruct), or the GGUF file in `$INSTRUCTEDIT_MODEL`. The editor is the
-- meta-trained checkpoint in `$INSTRUCTEDIT_EDITOR` when set, else the FT-L baseline (fine-tuning
-- the same MLP weights a MEND editor changes, each change clamped to ±ε), which needs no training.

-- %%
m = model.load()
print(m)
m.config

-- %% [markdown]
-- ## Ask
-- `m:topk` gives the next-token distribution, best first; `m:generate` continues greedily.

-- %%
prompt = "The capital of France is"
for i, t in ipairs(m:topk(prompt, 5)) do
  print(string.format("%d. %-14s logprob %.3f", i, string.format("%q", t.token), t.logprob))
end
print(prompt .. m:generate(prompt, {max_tokens = 8}))

-- %% [markdown]
-- ## Edit a fact
-- The request asks the model to continue the prompt with " Rome". With `instruct=true` a
-- meta-trained InstructEdit editor sees the prompt wrapped in a task instruction
-- (`Task: counterfact / Description: ... / Input: ...`), as in training; FT-L fine-tunes on the
-- plain prompt.

-- %%
editor_path = os.getenv("INSTRUCTEDIT_EDITOR")
if editor_path and editor_path ~= "" then
  ed = editor.load(editor_path, m)
else
  print("no $INSTRUCTEDIT_EDITOR: using the FT-L baseline")
  ed = editor.ft({steps = 10})
end
print(ed)

request = {prompt = prompt, target = " Rome", task = "counterfact", instruct = ed.method == "mend"}
probes = {
  edited = prompt,
  rephrased = "France's capital city is",
  unrelated = "The capital of Germany is",
}
names = {"edited", "rephrased", "unrelated"}
if request.instruct then
  -- The prompt as the editor was trained to see it (a task instruction around it).
  probes.instructed = templates.render("counterfact", prompt)
  table.insert(names, 1, "instructed")
end

function measure()
  local out = {}
  for _, name in ipairs(names) do
    local top = m:topk(probes[name], 1)[1]
    out[name] = {rome = m:logprob(probes[name], " Rome"), top = top.token}
  end
  return out
end

before = measure()
e = ed:edit(m, request)
print(e)
after = measure()

-- %% [markdown]
-- ## Probe
-- Log-probability of " Rome" and the top next token, before and after the edit. A good edit
-- raises " Rome" on the edited and the rephrased prompt and leaves the unrelated prompt alone.
-- With a meta-trained editor the first row is the edited prompt inside a task instruction, as
-- InstructEdit edits and scores it; the plain rows show how far the edit carries without one
-- (RESULTS.md, the caveat under E1-E3: the shipped editor's edits often do not).

-- %%
print(string.format("| %-10s | %-28s | %-12s | %-12s | %-10s | %-10s |", "prompt", "text",
                    "lp(Rome) pre", "lp(Rome) post", "top pre", "top post"))
print("|" .. string.rep("---|", 6))
for _, name in ipairs(names) do
  local b, a = before[name], after[name]
  local text = name == "instructed" and "(instruction) " .. prompt or probes[name]
  print(string.format("| %-10s | %-28s | %12.3f | %13.3f | %-10s | %-10s |", name, text,
                      b.rome, a.rome, string.format("%q", b.top), string.format("%q", a.top)))
end
print(prompt .. m:generate(prompt, {max_tokens = 8}))

-- %% [markdown]
-- The same log-probabilities as a figure: the edit should lift the bars of the edited prompts
-- and leave the unrelated pair level.

-- %%
function column(measured)
  local values = {}
  for i, name in ipairs(names) do values[i] = measured[name].rome end
  return values
end
plot.bar{labels = names, title = 'log p(" Rome") before and after the edit', ylabel = "log-probability",
         groups = {{name = "before", values = column(before)}, {name = "after", values = column(after)}}}

-- %% [markdown]
-- ## Undo
-- `e:undo()` restores the exact original weights, so every number returns to its value before.

-- %%
e:undo()
restored = measure()
for _, name in ipairs(names) do
  assert(restored[name].rome == before[name].rome, "undo did not restore " .. name)
end
print("after undo, lp(Rome | edited prompt) = " .. string.format("%.3f", restored.edited.rome)
      .. " (before: " .. string.format("%.3f", before.edited.rome) .. ")")
print(#m:edits() .. " edits applied")
