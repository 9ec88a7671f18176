-- en: One neuron: z = Wx + b, a = f(z)
-- zh: 一个神经元：z = Wx + b，a = f(z)
--
-- Lesson 2: one neuron with real numbers, by hand, then as a Dense layer of
-- nnscope; the layout of the kernel; a layer of several units; a batch.

say{en = [[
A neuron takes inputs x1, x2, x3, multiplies each by its weight, adds them up
with a bias b, and passes the sum through an activation function f:

  z = w1*x1 + w2*x2 + w3*x3 + b        a = f(z)

The course writes the same thing for a whole layer as z = Wx + b, a = f(z).
Let us compute one neuron with real numbers.]],
zh = [[
一个神经元接收输入 x1、x2、x3，把每个输入乘以它的权重，加上偏置 b 求和，
再把和送进激活函数 f：

  z = w1*x1 + w2*x2 + w3*x3 + b        a = f(z)

课程中把整层写成 z = Wx + b，a = f(z)，意思相同。我们用真实的数字算一个神经元。]]}

demo("x = {2, -1, 0.5}")
demo("w = {0.4, 0.3, -0.6}")
demo("b = 0.1")
demo("z = b; for i = 1, 3 do z = z + w[i] * x[i] end")
local z = demo("z")
say{en = "By hand: 0.4*2 + 0.3*(-1) + (-0.6)*0.5 + 0.1 = 0.8 - 0.3 - 0.3 + 0.1 = 0.3.",
    zh = "手算：0.4*2 + 0.3*(-1) + (-0.6)*0.5 + 0.1 = 0.8 - 0.3 - 0.3 + 0.1 = 0.3。"}
check(approx(z, 0.3, 1e-9), {en = "z should be 0.3", zh = "z 应为 0.3"},
      {en = "z = 0.3", zh = "z = 0.3"})

say{en = [[
Now the activation. The sigmoid f(z) = 1 / (1 + e^-z) squashes any number into
(0, 1):]],
zh = [[然后是激活函数。sigmoid 函数 f(z) = 1 / (1 + e^-z) 把任何数压缩到 (0, 1) 之间：]]}
demo("a = 1 / (1 + math.exp(-z))")
local a = demo("a")
check(approx(a, 0.574442516811659, 1e-9), {en = "sigmoid(0.3) should be 0.5744",
      zh = "sigmoid(0.3) 应为 0.5744"}, {en = "a = sigmoid(0.3) = 0.5744",
                                       zh = "a = sigmoid(0.3) = 0.5744"})

try{{en = "What is z for the input x = (1, 1, 1), with the same w and b?",
     zh = "输入 x = (1, 1, 1) 时（w 和 b 不变），z 是多少？"},
    check = function(v) return approx(v, 0.2, 1e-6) end,
    answers = {"w[1] + w[2] + w[3]", "w[1] + w[2] + w[3] + b"},
    hint = {en = "each weight times 1, plus the bias: do not forget b",
            zh = "每个权重乘以 1，再加上偏置：别忘了 b"}}
pause()

say{en = [[
The same neuron in nnscope is a Dense layer with one unit. We set its weights
by hand with set_weights, in Keras's order: the kernel first, then the bias.]],
zh = [[在 nnscope 中，同一个神经元是只有一个单元的 Dense 层。我们用 set_weights 手动设置权重，
顺序与 Keras 相同：先 kernel（权重矩阵），后 bias（偏置）。]]}
demo([[model = nn.Sequential{nn.Dense{1, activation = "sigmoid", input_dim = 3}}]])
demo("model:set_weights{nn.tensor{{0.4}, {0.3}, {-0.6}}, nn.tensor{0.1}}")
local out = demo("model:predict(nn.tensor{{2, -1, 0.5}})")
check(out and approx(out[1][1], a, 1e-6),
      {en = "the layer should give the same a as the hand computation",
       zh = "该层应给出与手算相同的 a"},
      {en = "nnscope's Dense gives the same 0.5744", zh = "nnscope 的 Dense 给出同样的 0.5744"})

say{en = [[
Look at the kernel's shape: (3, 1), inputs by units. Keras stores W that way and
computes z = x W + b with x as a row (one sample per row). The course's Wx + b
treats x as a column and W as (units, inputs): the same numbers, transposed.]],
zh = [[注意 kernel 的形状：(3, 1)，即（输入数，单元数）。Keras 就是这样存储 W 的，
并把 x 当作行向量（每行一个样本）计算 z = x W + b。课程中的 Wx + b 把 x 当作列向量，
W 的形状为（单元数，输入数）：数字相同，只是转置了。]]}
demo("model:get_weights()[1]:shape()")

say{en = [[
nnscope keeps what each layer computed in the last forward pass: model:trace()
gives, per layer, its input, its pre-activation z and its output a.]],
zh = [[nnscope 会保留每一层在上一次前向传播中算出的东西：model:trace() 按层给出
输入、激活前的 z 和输出 a。]]}
demo("model:forward(nn.tensor{{2, -1, 0.5}})")
local tz = demo("model:trace()[1].z")
check(tz and approx(tz[1][1], 0.3, 1e-6), {en = "the trace should hold z = 0.3",
                                           zh = "trace 中应有 z = 0.3"},
      {en = "the trace shows z = 0.3 before the sigmoid", zh = "trace 显示 sigmoid 之前 z = 0.3"})
if watch(model, "formula") then
  say{en = "The window's formula panel shows z = sum of w_i x_i + b with these very numbers.",
      zh = "窗口的公式面板用这些数字显示 z = Σ w_i x_i + b。"}
elseif watch(model, "network") then
  say{en = "The window's network panel shows this neuron, coloured by its weights and its activation.",
      zh = "窗口的网络面板显示了这个神经元，颜色表示它的权重和激活值。"}
end
snap("neuron", "network")
snap("formula", "formula")
pause()

try{{en = "Which bias b would make z exactly 0 for x = (2, -1, 0.5)? Type the number.",
     zh = "对于 x = (2, -1, 0.5)，偏置 b 取多少能让 z 恰好为 0？请输入这个数。"},
    check = function(v) return approx(v, -0.2, 1e-6) end,
    answers = {"0.2", "-0.2"},
    hint = {en = "without the bias the sum is 0.8 - 0.3 - 0.3 = 0.2; b must cancel it",
            zh = "不加偏置时和为 0.8 - 0.3 - 0.3 = 0.2；b 必须抵消它"}}

say{en = [[
With z = 0 the sigmoid gives exactly 0.5: the neuron cannot decide. The bias
moves the point where a neuron switches; the weights say how much each input
pushes it.

A layer is many neurons side by side: with 4 units the kernel is (3, 4), and one
matrix product computes all four. A batch of samples is many rows of x: 5 samples
of 3 inputs, times (3, 4), gives (5, 4), one row of outputs per sample.]],
zh = [[当 z = 0 时 sigmoid 恰好给出 0.5：这个神经元无法做出判断。偏置移动神经元“切换”的位置；
权重决定每个输入推动它的力度。

一层就是并排的许多神经元：4 个单元时 kernel 是 (3, 4)，一次矩阵乘法就算出全部四个。
一批样本就是 x 的许多行：5 个样本、每个 3 个输入，乘以 (3, 4) 得到 (5, 4)，
每个样本一行输出。]]}
demo([[layer4 = nn.Sequential{nn.Dense{4, activation = "relu", input_dim = 3}}]])
demo("layer4:count_params()")
local y = demo("layer4:predict(nn.rand{5, 3})")
check(y and y:shape()[1] == 5 and y:shape()[2] == 4,
      {en = "5 samples through 4 units should give shape (5, 4)", zh = "5 个样本经过 4 个单元应得到 (5, 4)"},
      {en = "3*4 weights + 4 biases = 16 parameters; 5 samples in, (5, 4) out",
       zh = "3*4 个权重 + 4 个偏置 = 16 个参数；输入 5 个样本，输出 (5, 4)"})

say{en = "Next lesson: the activation functions f, and the shapes of their curves.",
    zh = "下一课：激活函数 f 以及它们的曲线形状。"}
