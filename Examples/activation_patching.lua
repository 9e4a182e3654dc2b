-- %% [markdown]
-- # Where is the fact? Activation patching of MLP outputs
--
-- Two prompts that differ only in their subject: the clean one makes the model say " Paris", the
-- corrupted one " Rome". We run the corrupted prompt again and again, each time restoring the
-- clean run's MLP output at one block and one position (a hook on `blocks.L.hook_mlp_out`), and
-- measure how much of the clean answer comes back:
--
--     restored = (patched − corrupted) / (clean − corrupted),   on  logit(" Paris") − logit(" Rome")
--
-- 1 means that one MLP output at that position carries the whole difference; 0 that it carries
-- none. Blocks count from 1 and positions from 1, as everywhere in the Lua API.
--
-- Setting from the environment: `INSTRUCTEDIT_MODEL` (the default model otherwise).

-- %%
m = model.load()
clean_prompt = "The Eiffel Tower is located in the city of"
corrupt_prompt = "The Colosseum is located in the city of"
answer, other = " Paris", " Rome"
clean, corrupt = m:encode(clean_prompt), m:encode(corrupt_prompt)
-- Patching position by position needs two prompts of one length: when the tokenizer splits the
-- subjects differently, the shorter prompt is padded at the start with its first token.
while #clean < #corrupt do table.insert(clean, 1, clean[1]) end
while #corrupt < #clean do table.insert(corrupt, 1, corrupt[1]) end
T, layers = #clean, m.config.layers
print(m)
print(string.format("%d tokens, %d blocks: %d patched runs", T, layers, T * layers))

-- %%
-- The metric, and the clean run with every activation cached.
a_id, o_id = m:encode(answer)[1], m:encode(other)[1]
function metric(logits)
  local last = logits[T]
  return last[a_id + 1] - last[o_id + 1]   -- token ids count from 0, tensor indices from 1
end
clean_logits, cache = m:run(clean, {cache = true})
corrupt_logits = m:run(corrupt)
clean_diff, corrupt_diff = metric(clean_logits), metric(corrupt_logits)
print(string.format("logit(%q) - logit(%q): clean %.3f, corrupted %.3f", answer, other, clean_diff, corrupt_diff))
print("clean top token:    " .. m:topk(clean, 1)[1].token)
print("corrupted top token: " .. m:topk(corrupt, 1)[1].token)

-- %%
-- One patched run per block and position: the hook replaces one row of the MLP output with the
-- clean run's row, in place, and leaves the rest of the corrupted pass as it was.
restored = tensor.zeros(layers, T)
for layer = 1, layers do
  local name = "blocks." .. layer .. ".hook_mlp_out"
  local clean_out = cache[name]
  for position = 1, T do
    local patched = m:run(corrupt, {hooks = {[name] = function(out) out[position] = clean_out[position] end}})
    restored:set((metric(patched) - corrupt_diff) / (clean_diff - corrupt_diff), layer, position)
  end
end
best, at = restored:max()
best_layer, best_position = (at - 1) // T + 1, (at - 1) % T + 1
print(string.format("largest restoration %.2f: block %d, position %d (%q)", best, best_layer,
                    best_position, m:decode({corrupt[best_position]})))

-- %% [markdown]
-- ## Layers × positions
--
-- Each cell is one patched run. The columns are the corrupted prompt's tokens.

-- %%
labels = {}
for position = 1, T do labels[position] = position .. ":" .. m:decode({corrupt[position]}) end
rows = {}
for layer = 1, layers do rows[layer] = "block " .. layer end
plot.heatmap{data = restored, rows = rows, cols = labels, colormap = "coolwarm", range = {-1, 1},
             annotate = false, title = "Clean MLP output restored into the corrupted run",
             xlabel = "position (corrupted prompt)", ylabel = "block", height = 760}

-- %%
-- Where the restoration sits, as numbers: the best position of each block, and the last one.
for layer = 1, layers do
  local row = restored[layer]
  local value, position = row:max()
  print(string.format("block %2d: best position %2d %-12s %6.2f   last position %6.2f", layer, position,
                      string.format("%q", m:decode({corrupt[position]})), value, row[T]))
end

-- %% [markdown]
-- On SmolLM2-135M-Instruct (the report in `Examples/reports`) the clean answer comes back in two
-- places. At the subject's tokens (" Col", "osse", "um") in the lowest blocks: block 1's MLP output
-- at "osse" alone restores 0.67 of the logit difference, block 5's 0.40. And at the last position
-- (" of") in the top blocks, where the answer is read out: 0.19 at block 26, 0.13 at block 28
-- (block 27's output there pulls the other way, -0.10). Single MLP outputs in the middle blocks
-- restore little. This is the early-site / late-site pattern that causal tracing
-- found in GPT-2 (Meng et al., *Locating and Editing Factual Associations in GPT*, 2022), here
-- with one MLP output restored at a time.
