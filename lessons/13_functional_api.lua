-- en: The functional API: a branch and a merge
-- zh: 函数式 API：分支与合并
--
-- Lesson 13: nn.Input, calling layers on symbolic tensors, nn.Model; two
-- branches joined by Concatenate, a skip connection joined by Add; what
-- Sequential can and cannot express.

say{en = [[
Sequential stacks layers in a line. The functional API wires them as a graph:
you call a layer on a tensor as if it were a function, and get a new (symbolic)
tensor back. The same chain as Sequential{Dense{8}, Dense{2}} reads:]],
zh = [[Sequential 把层排成一条直线。函数式 API 把它们连成一张图：像调用函数一样把层作用在一个
张量上，得到一个新的（符号）张量。与 Sequential{Dense{8}, Dense{2}} 相同的链可以写成：]]}
demo("inp = nn.Input{shape = {2}}")
demo([[hidden = nn.Dense{8, activation = "tanh"}(inp)]])
demo([[out = nn.Dense{2, activation = "softmax"}(hidden)]])
demo("chain = nn.Model{inputs = inp, outputs = out}")
local n = demo("chain:count_params()")
check(n == 2 * 8 + 8 + 8 * 2 + 2, {en = "the chain should have 42 parameters", zh = "这条链应有 42 个参数"},
      {en = "2*8 + 8 + 8*2 + 2 = 42 parameters, as the Sequential version",
       zh = "2*8 + 8 + 8*2 + 2 = 42 个参数，与 Sequential 版本相同"})

say{en = [[
Text 003 of the course says Sequential models are limited to one-dimensional
tensors. They are not: the CNN of lesson 11 is a Sequential model on 28 x 28 x 1
images. What Sequential cannot express is a graph: a layer whose output feeds
two layers, two paths that join again, several inputs or outputs. For those
you need the functional API.]],
zh = [[课程第 003 篇说 Sequential 模型只能处理一维张量。并非如此：第 11 课的卷积网络就是作用在
28 x 28 x 1 图像上的 Sequential 模型。Sequential 无法表达的是“图”：一个层的输出同时送给两个层、
两条路径再次汇合、多个输入或输出。这些情况需要函数式 API。]]}
pause()

if not (nn.Concatenate and nn.Add) then
  say{en = "(This nnscope has no Concatenate or Add layer yet: the merges are skipped.)",
      zh = "（这个 nnscope 还没有 Concatenate 或 Add 层：跳过合并部分。）"}
  return
end

say{en = [[
A branch and a merge: the input goes through two different paths, a ReLU layer
and two tanh layers, and Concatenate puts their outputs side by side (8 + 8 =
16 numbers) for the output layer.]],
zh = [[分支与合并：输入经过两条不同的路径，一条是 ReLU 层，一条是两个 tanh 层，
Concatenate 把它们的输出并排放在一起（8 + 8 = 16 个数）交给输出层。]]}
demo("nn.utils.set_random_seed(11)")
demo("inp = nn.Input{shape = {2}}")
demo([[left = nn.Dense{8, activation = "relu"}(inp)]])
demo([[right = nn.Dense{8, activation = "tanh"}(nn.Dense{8, activation = "tanh"}(inp))]])
demo("merged = nn.Concatenate{}({left, right})")
demo([[out = nn.Dense{2, activation = "softmax"}(merged)]])
demo("model = nn.Model{inputs = inp, outputs = out}")
demo("model:summary()")
try{{en = "How many numbers come out of the Concatenate layer? (model.layers[4].output_shape)",
     zh = "Concatenate 层输出多少个数？（model.layers[4].output_shape）"},
    check = function(v) return v == 16 or (type(v) == "table" and v[1] == 16) end,
    answers = {"8", "8 + 8"},
    hint = {en = "Concatenate puts both branches' 8 outputs side by side",
            zh = "Concatenate 把两个分支各 8 个输出并排放在一起"}}
local p = model:count_params()
check(p == (2 * 8 + 8) + (2 * 8 + 8) + (8 * 8 + 8) + (16 * 2 + 2),
      {en = "the branched model should have 154 parameters", zh = "分支模型应有 154 个参数"},
      {en = "24 + 24 + 72 + 34 = 154 parameters", zh = "24 + 24 + 72 + 34 = 154 个参数"})
pause()

say{en = [[
It trains like any model. The data: two noisy circles, one inside the other,
class 0 outside and class 1 inside (make_circles, as in sklearn).]],
zh = [[它和任何模型一样训练。数据：两个带噪声的同心圆，外圈为类别 0，内圈为类别 1
（make_circles，与 sklearn 相同）。]]}
demo("x, y = nn.datasets.make_circles{n = 400, noise = 0.1, seed = 1}")
demo([[model:compile{optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"}}]])
watch(model, "boundary")
demo("model:fit(x, y, {epochs = 60, batch_size = 32, verbose = 0})")
local _, acc = demo("model:evaluate(x, y, {verbose = 0})")
snap("boundary", "boundary")
check(acc and acc > 0.9, {en = "the branched model should separate the circles",
                          zh = "分支模型应能分开两个圆"},
      {en = ("accuracy %.3f on the circles"):format(acc or 0),
       zh = ("在同心圆数据上准确率 %.3f"):format(acc or 0)})
pause()

say{en = [[
The other merge is Add: it sums tensors of the SAME shape, element by element.
Adding a layer's input to its output is a skip (residual) connection, the idea
behind ResNet: the layer only has to learn a correction, and gradients flow
back through the sum unchanged.]],
zh = [[另一种合并是 Add：它把形状“相同”的张量逐元素相加。把一个层的输入加到它的输出上，
就是跳跃（残差）连接，这正是 ResNet 背后的思想：该层只需学习一个修正量，
而梯度可以原封不动地穿过加法传回去。]]}
demo("inp = nn.Input{shape = {2}}")
demo("h = nn.Dense{8}(inp)")
demo([[h2 = nn.Dense{8, activation = "relu"}(h)]])
demo("sum = nn.Add{}({h, h2})")
demo([[res = nn.Model{inputs = inp, outputs = nn.Dense{2, activation = "softmax"}(sum)}]])
demo([[res:compile{optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"}}]])
demo("res:fit(x, y, {epochs = 60, batch_size = 32, verbose = 0})")
local _, acc2 = demo("res:evaluate(x, y, {verbose = 0})")
check(acc2 and acc2 > 0.8, {en = "the residual model should learn the circles too",
                            zh = "残差模型也应学会同心圆"},
      {en = ("the residual model: accuracy %.3f"):format(acc2 or 0),
       zh = ("残差模型：准确率 %.3f"):format(acc2 or 0)})

say{en = "Add needs equal shapes; a model adding 8 numbers to 4 is an error that names both:",
    zh = "Add 要求形状相同；把 8 个数与 4 个数相加的模型会报错，并给出两个形状："}
demo("a = nn.Input{shape = {2}}")
local bad = demo("nn.Model{inputs = a, outputs = nn.Add{}({nn.Dense{8}(a), nn.Dense{4}(a)})}")
check(bad == nil, {en = "a model adding mismatched shapes should be refused",
                   zh = "形状不匹配的相加模型应被拒绝"},
      {en = "refused, with both shapes named", zh = "被拒绝，并给出了两个形状"})
say{en = [[
Next lesson: a layer of your own, written in Lua, with its own backward pass.]],
zh = [[下一课：用 Lua 编写你自己的层，包括它自己的反向传播。]]}
