-- %% [markdown]
-- # Instruction templates and their effect
--
-- InstructEdit wraps every edit input in a task instruction:
--
--     Task: {task}
--     Description: {description}
--     Input: {prompt}
--
-- This notebook shows the templates, how an instruction shifts the model's next-token
-- distribution, and how it changes an edit. Model: default or `$INSTRUCTEDIT_MODEL`; editor:
-- `$INSTRUCTEDIT_EDITOR` (a meta-trained checkpoint) or the FT-L baseline.

-- %%
m = model.load()
print(m)
templates.tasks()

-- %% [markdown]
-- ## The descriptions of a task
-- Each task has descriptions used in training ("seen") and held-out ones ("unseen", for testing
-- whether the editor understands instructions it never saw). ConvSent's name the topic and the
-- sentiment.

-- %%
for _, task in ipairs(templates.tasks()) do
  local seen, unseen = templates.descriptions(task), templates.descriptions(task, {unseen = true})
  print(string.format("%-12s %2d seen, %2d unseen   e.g. %s", task, #seen, #unseen, seen[1]))
end

-- %%
prompt = "The capital of France is"
print(templates.render("counterfact", prompt, {index = 1}))
print()
print(templates.render("counterfact", prompt, {unseen = true, index = 1}))
print()
print(templates.render("convsent", "What do you think of jazz?",
                       {index = 1, topic = "jazz", sentiment = "positive"}))

-- %% [markdown]
-- ## Effect on the next-token distribution
-- The same question with and without an instruction: the top tokens, and the KL divergence
-- KL(plain ‖ instructed) between the two next-token distributions.

-- %%
function next_logprobs(text)
  local logits = m:logits(text)
  return logits[logits:size(1)]:log_softmax()
end

function show_top(title, text)
  print(title)
  for i, t in ipairs(m:topk(text, 5)) do
    print(string.format("  %d. %-14s logprob %.3f", i, string.format("%q", t.token), t.logprob))
  end
end

instructed = templates.render("counterfact", prompt, {index = 1})
show_top("plain:", prompt)
show_top("instructed:", instructed)
lp_plain, lp_instr = next_logprobs(prompt), next_logprobs(instructed)
kl = (lp_plain:exp() * (lp_plain - lp_instr)):sum()
print(string.format("KL(plain || instructed) = %.4f nats", kl))

-- %% [markdown]
-- ## Every description, one bar each
-- Log-probability of the true answer " Paris" after each seen description of the counterfact task
-- (the plain prompt as the first bar). A model that was never trained with instructions reacts
-- to their wording; the editor is trained to read them.

-- %%
labels, values = {"plain"}, {(m:logprob(prompt, " Paris"))}
for i = 1, #templates.descriptions("counterfact") do
  labels[#labels + 1] = "d" .. i
  values[#values + 1] = m:logprob(templates.render("counterfact", prompt, {index = i}), " Paris")
end
plot.bar({labels = labels, values = values, title = "log p(' Paris') under each instruction",
          xlabel = "description", ylabel = "log-probability"});

-- %% [markdown]
-- ## Effect on an edit
-- The same edit (France's capital → Rome) applied with and without the instruction. We measure
-- the target's log-probability on the plain prompt and on the instructed prompt, after each edit.

-- %%
editor_path = os.getenv("INSTRUCTEDIT_EDITOR")
if editor_path and editor_path ~= "" then
  ed = editor.load(editor_path, m)
else
  print("no $INSTRUCTEDIT_EDITOR: using the FT-L baseline")
  ed = editor.ft({steps = 10})
end
print(ed)

rows = {}
for _, instruct in ipairs({false, true}) do
  local e = ed:edit(m, {prompt = prompt, target = " Rome", task = "counterfact", instruct = instruct, description = 1})
  rows[#rows + 1] = {instruct = instruct, plain = m:logprob(prompt, " Rome"),
                     instructed = m:logprob(instructed, " Rome"), loss = e.loss_before}
  e:undo()
end
print(string.format("unedited: lp(Rome | plain) = %.3f, lp(Rome | instructed) = %.3f",
                    (m:logprob(prompt, " Rome")), (m:logprob(instructed, " Rome"))))
print("| edit made with | loss before | lp(Rome | plain) | lp(Rome | instructed) |")
print("|---|---|---|---|")
for _, r in ipairs(rows) do
  print(string.format("| %s | %.3f | %.3f | %.3f |", r.instruct and "instruction" or "plain prompt",
                      r.loss, r.plain, r.instructed))
end
